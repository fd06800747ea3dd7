// Caffe and OpenVINO IR models through the CLI: the acceptance runs on ../shared/data (LeNet on
// MNIST against OpenCV DNN's own Caffe reader, ultraface's Caffe net against its ONNX export)
// and the exit status of bad input.
#include <gtest/gtest.h>

#include <regex>

#include "formats_util.h"
#include "inferlab/lab/tensor_file.h"
#include "support/cli.h"

namespace inferlab::test {
namespace {

const std::string kShared = INFERLAB_SHARED_DATA;

#define REQUIRE_FILE(path) \
  if (!fs::exists(path)) GTEST_SKIP() << "shared test data absent: " << (path)

double top1(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(R"(top-1 ([0-9.]+)%)"))) return -1;
  return std::stod(m[1]);
}

// LeNet (V1 prototxt + caffemodel found beside it) on the first 2,000 MNIST test images:
// inferlab and OpenCV DNN give the same top-1 (the full 10,000: 99.05% both, docs/formats.md).
TEST(FormatsCliSlow, LenetMatchesOpenCv) {
  const std::string model = kShared + "/mnist/lenet.prototxt";
  REQUIRE_FILE(model);
  const std::string args =
      "accuracy " + model + " --dataset " + kShared + "/mnist --preset mnist-lenet --limit 2000";
  const CliResult native = run_cli(args);
  ASSERT_EQ(native.status, 0) << native.out;
  EXPECT_GT(top1(native.out), 98.0) << native.out;
  const CliResult cv = run_cli(args + " --backend opencv");
  if (contains(cv.out, "opencv backend unavailable")) GTEST_SKIP() << cv.out;
  ASSERT_EQ(cv.status, 0) << cv.out;
  EXPECT_EQ(top1(native.out), top1(cv.out)) << native.out << cv.out;
}

// ultraface's Caffe net and its ONNX export (raw outputs) give the same detections through
// inferlab's decoding and NMS on every photo.
TEST(FormatsCliSlow, UltrafaceCaffeAgreesWithOnnx) {
  const std::string dir = kShared + "/ultraface";
  REQUIRE_FILE(dir + "/RFB-320.caffemodel");
  ModelDir d;
  const std::string common = " --dataset " + dir + "/imgs --task detection --preset ultraface";
  const CliResult onnx =
      run_cli("accuracy " + dir + "/version-RFB-320_without_postprocessing.onnx" + common +
              " --predictions " + d.file("raw.json"));
  ASSERT_EQ(onnx.status, 0) << onnx.out;
  const CliResult caffe = run_cli("accuracy " + dir + "/RFB-320.prototxt" + common + " --compare " +
                                  d.file("raw.json"));
  ASSERT_EQ(caffe.status, 0) << caffe.out;
  EXPECT_TRUE(contains(caffe.out, "0 unmatched")) << caffe.out;
  EXPECT_TRUE(contains(caffe.out, "AGREE")) << caffe.out;
}

// `check` runs a case folder holding model.prototxt (blobs inline) like one with model.onnx,
// and reports a wrong expected output as a failure.
TEST(FormatsCli, CheckRunsCaffeCaseFolders) {
  ModelDir d;
  fs::create_directories(d.file("relu/test_data_set_0"));
  d.write("relu/model.prototxt", R"(
input: "x" input_shape { dim: 1 dim: 3 }
layer { name: "y" type: "ReLU" bottom: "x" top: "y" }
)");
  write_tensor_pb(d.file("relu/test_data_set_0/input_0.pb"), filled({1, 3}, {-1, 2, -3}), "x");
  write_tensor_pb(d.file("relu/test_data_set_0/output_0.pb"), filled({1, 3}, {0, 2, 0}), "y");
  CliResult r = run_cli("check " + d.file("relu"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "1 passed")) << r.out;
  write_tensor_pb(d.file("relu/test_data_set_0/output_0.pb"), filled({1, 3}, {0, 2, 1}), "y");
  r = run_cli("check " + d.file("relu"));
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL relu")) << r.out;
}

TEST(FormatsCli, BadModelsExitWithStatus2) {
  ModelDir d;
  const std::string bad = d.write("bad.prototxt", "layer {\n  name: \"a\" type: }\n");
  CliResult r = run_cli("run " + bad);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "line 2, column")) << r.out;

  const std::string net = d.write("net.prototxt", R"(
input: "data" input_dim: 1 input_dim: 1 input_dim: 2 input_dim: 2
layer { name: "c" type: "Convolution" bottom: "data" top: "c"
  convolution_param { num_output: 1 kernel_size: 1 } }
)");
  r = run_cli("run " + net);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--weights")) << r.out;
  r = run_cli("run " + net + " --weights " + d.file("absent.caffemodel"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "absent.caffemodel")) << r.out;
  d.write("trunc.caffemodel", std::string("\x12\x05\x0a\x03", 4));  // a field cut short
  r = run_cli("run " + net + " --weights " + d.file("trunc.caffemodel"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "truncated")) << r.out;

  const std::string xml = d.write("m.xml", "<net name=\"x\" version=\"11\"><layers>");
  r = run_cli("run " + xml);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "not valid XML")) << r.out;
  // A peer that cannot read the format says so (before trying to start its worker).
  const std::string relu = d.write("relu.prototxt", R"(
input: "x" input_shape { dim: 1 dim: 3 }
layer { name: "y" type: "ReLU" bottom: "x" top: "y" }
)");
  r = run_cli("bench " + relu + " --backend onnxruntime --niter 1 --repetitions 1 --no-db");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "reads ONNX models only")) << r.out;
  r = run_cli("run " + d.write("m.txt", "x"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "unknown model format")) << r.out;
}

}  // namespace
}  // namespace inferlab::test
