// `inferlab quantize` on bad input: one clear message, exit status 2, no output file.
#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

#include "support/cli.h"
#include "support/temp_dir.h"
#include "tiny_cnn.h"
#include "zoo/model_builder.h"
#include "zoo/zoo.h"

using namespace inferlab;
using namespace inferlab::test;
namespace fs = std::filesystem;

namespace {

struct QuantizeCli : ::testing::Test {
  TempDir tmp{"quantize_cli"};  // per test: ctest runs them in parallel
  fs::path dir = tmp.path();
  std::string model, out;
  void SetUp() override {
    fs::create_directories(dir / "empty");
    model = (dir / "tiny.onnx").string();
    out = (dir / "tiny_int8.onnx").string();
    write_tiny_cnn(model, 2);
  }
  // x -> QuantizeLinear(scale) -> DequantizeLinear(1) -> y, with a bad scale value.
  std::string qdq_model(float scale) {
    zoo::ModelBuilder b("qdq", 1);
    b.add_input("x", {1, 4});
    b.add_floats("s", {}, {scale});
    b.add_floats("one", {}, {1.f});
    b.add_node("QuantizeLinear", "quantize", {"x", "s"}, {"q"});
    b.add_node("DequantizeLinear", "dequantize", {"q", "one"}, {"y"});
    b.add_output("y", {1, 4});
    const std::string path = (dir / "qdq.onnx").string();
    zoo::save_model(b.finish("bad scale"), path);
    return path;
  }
};

}  // namespace

TEST_F(QuantizeCli, EmptyCalibrationFolderExits2) {
  const auto r = run_cli("quantize " + model + " --dataset " + (dir / "empty").string() +
                         " --preset cifar10 -o " + out);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, (dir / "empty").string())) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(QuantizeCli, MissingCalibrationFolderExits2) {
  const auto r = run_cli("quantize " + model + " --dataset " + (dir / "nope").string() +
                         " --preset cifar10 -o " + out);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "does not exist or cannot be read")) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(QuantizeCli, KeepFp32NamingNoNodeExits2) {
  const std::string shared = std::string(INFERLAB_SOURCE_DIR) + "/../shared/data/cifar10/test";
  if (!fs::exists(shared)) GTEST_SKIP() << "shared test data absent (" << shared << ")";
  const auto r = run_cli("quantize " + model + " --dataset " + shared +
                         " --preset cifar10 --samples 4 --keep-fp32 conv1,bogus -o " + out);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "no node named 'bogus'")) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(QuantizeCli, WritesAQdqModelThatRuns) {
  const std::string shared = std::string(INFERLAB_SOURCE_DIR) + "/../shared/data/cifar10/test";
  if (!fs::exists(shared)) GTEST_SKIP() << "shared test data absent (" << shared << ")";
  const auto r = run_cli("quantize " + model + " --dataset " + shared +
                         " --preset cifar10 --samples 8 --method entropy -o " + out);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "calibration: 8 images")) << r.out;
  EXPECT_TRUE(contains(r.out, "conv1")) << r.out;
  EXPECT_TRUE(contains(r.out, "quantized 2 of 2 layers")) << r.out;
  const auto run = run_cli("run " + out + " --dump-graph");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_TRUE(contains(run.out, "QuantizeLinear") || contains(run.out, "i8")) << run.out;
  // --precision i8 runs the QDQ patterns as int8 operators (passes/fuse_qdq.cpp).
  const auto i8 = run_cli("run " + out + " --precision i8 --dump-graph");
  if (contains(i8.out, "needs a VNNI ISA")) GTEST_SKIP() << "no VNNI here: " << i8.out;
  EXPECT_EQ(i8.status, 0) << i8.out;
  EXPECT_TRUE(contains(i8.out, "QLinearConv")) << i8.out;
  EXPECT_TRUE(contains(i8.out, "precision=i8")) << i8.out;
}

TEST_F(QuantizeCli, BadScaleIsReportedAtCompileTimeWithTheNode) {
  for (const char* bad : {"0", "-1", "nan"}) {
    const auto r = run_cli("run " + qdq_model(std::stof(bad)));
    EXPECT_EQ(r.status, 2) << bad << ": " << r.out;
    EXPECT_TRUE(contains(r.out, "node 'quantize' (QuantizeLinear)")) << r.out;
    EXPECT_TRUE(contains(r.out, "is not a positive finite number")) << r.out;
  }
}
