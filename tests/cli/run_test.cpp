// `inferlab run` end to end through the built binary: outputs, top-5, files, and exit status 2
// with a message naming the file and node/field for every kind of bad model or input.
#include <gtest/gtest.h>

#include "inferlab/lab/tensor_file.h"
#include "support/cli.h"
#include "support/onnx_builder.h"
#include "support/op_test_util.h"  // f32

using namespace inferlab;
using namespace inferlab::test;

namespace {

std::string run_ref(const std::string& args) {
  return "run --engine reference " + args;
}

// Expects exit status 2 and every needle in the output.
void expect_rejected(const std::string& args, std::vector<std::string> needles) {
  const CliResult r = run_cli(run_ref(args));
  EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
  for (const auto& n : needles) EXPECT_TRUE(contains(r.out, n)) << n << " in:\n" << r.out;
  EXPECT_FALSE(contains(r.out, "internal error")) << r.out;
}

}  // namespace

TEST(CliRun, GivenInputWritesOutputsAndTop5) {
  TempDir d("run");
  gemm_model().save(d / "m.onnx");
  // y = relu(x W^T + B) with W rows e0, e1, e2+e3 and B = (0.5, -0.5, 0).
  write_tensor_pb(d / "x.pb", f32({2, 4}, {1, 2, 3, 4, -1, 5, 0, -2}), "x");
  const CliResult r =
      run_cli(run_ref(d / "m.onnx" + " --input x=" + d / "x.pb" + " --output-dir " + d / "out"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "output y f32 2x3")) << r.out;
  // Classifier output [2, 3]: top entries per batch item, best first.
  EXPECT_TRUE(contains(r.out, "top-5 [0] 2:7.0000 0:1.5000 1:1.5000")) << r.out;
  EXPECT_TRUE(contains(r.out, "top-5 [1] 1:4.5000")) << r.out;
  EXPECT_TRUE(contains(r.out, " ms")) << r.out;
  std::string name;
  const Tensor y = read_tensor_file(d / "out/y.pb", &name);
  EXPECT_EQ(name, "y");
  ASSERT_EQ(y.shape(), (Shape{2, 3}));
  const float want[6] = {1.5f, 1.5f, 7.f, 0.f, 4.5f, 0.f};
  for (int i = 0; i < 6; ++i) EXPECT_FLOAT_EQ(y.data<float>()[i], want[i]) << i;
}

TEST(CliRun, NpyInput) {
  TempDir d("run");
  relu_model().save(d / "m.onnx");
  write_tensor_npy(d / "x.npy", f32({1, 4}, {-1, 2, -3, 4}));
  const CliResult r =
      run_cli(run_ref(d / "m.onnx" + " --input x=" + d / "x.npy" + " --output-dir " + d / "out"));
  ASSERT_EQ(r.status, 0) << r.out;
  const Tensor y = read_tensor_file(d / "out/y.pb");
  EXPECT_FLOAT_EQ(y.data<float>()[0], 0.f);
  EXPECT_FLOAT_EQ(y.data<float>()[3], 4.f);
}

TEST(CliRun, RandomInputsAreSeeded) {
  TempDir d("run");
  gemm_model().save(d / "m.onnx");
  auto run = [&](const std::string& seed, const std::string& out) {
    const CliResult r =
        run_cli(run_ref(d / "m.onnx" + " --batch 3 --seed " + seed + " --output-dir " + d / out));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(contains(r.out, "output y f32 3x3")) << r.out;
    EXPECT_TRUE(contains(r.out, "top-5 [2]")) << r.out;
    return read_bytes(d / (out + "/y.pb"));
  };
  const std::string a = run("5", "a"), b = run("5", "b"), c = run("6", "c");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(CliRun, ShapeOptionAndDumpGraph) {
  TempDir d("run");
  gemm_model().save(d / "m.onnx");
  const CliResult r = run_cli(run_ref(d / "m.onnx" + " --shape x=4x4 --dump-graph"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "output y f32 4x3")) << r.out;
  EXPECT_TRUE(contains(r.out, "Gemm")) << r.out;
}

TEST(CliRun, SymbolicBatchRunsWithBatchOneAndSaysSo) {
  TempDir d("run");
  gemm_model().save(d / "m.onnx");
  const CliResult r = run_cli(run_ref(d / "m.onnx"));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "symbolic batch dimension: using batch 1")) << r.out;
  EXPECT_TRUE(contains(r.out, "output y f32 1x3")) << r.out;
}

// ---- bad models ----

TEST(CliRunBadModel, Truncated) {
  TempDir d("run");
  const std::string bytes = gemm_model().bytes();
  write_bytes(d / "m.onnx", bytes.substr(0, bytes.size() / 2));
  expect_rejected(d / "m.onnx", {d / "m.onnx"});
}

TEST(CliRunBadModel, RandomBytes) {
  TempDir d("run");
  std::string bytes(3000, '\0');
  unsigned s = 7;
  for (auto& c : bytes) c = static_cast<char>((s = s * 1103515245 + 12345) >> 16);
  write_bytes(d / "m.onnx", bytes);
  expect_rejected(d / "m.onnx", {d / "m.onnx", "not a valid ONNX model"});
}

TEST(CliRunBadModel, MissingFile) {
  TempDir d("run");
  expect_rejected(d / "none.onnx", {d / "none.onnx"});
}

TEST(CliRunBadModel, Cycle) {
  TempDir d("run");
  ModelBuilder b;
  b.input("x", {1}).output("z", {1});
  b.node("Add", {"x", "z"}, {"y"}, "add");
  b.node("Relu", {"y"}, {"z"}, "relu");
  b.save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "cycle", "node '"});
}

TEST(CliRunBadModel, DanglingInputName) {
  TempDir d("run");
  ModelBuilder b;
  b.input("x", {1}).output("y", {1});
  b.node("Add", {"x", "ghost"}, {"y"}, "add");
  b.save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "'add'", "'ghost'"});
}

TEST(CliRunBadModel, NegativeDims) {
  TempDir d("run");
  relu_model({1, -4}).save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "graph input 'x'", "negative"});
  auto c = gemm_model();
  c.graph().mutable_initializer(0)->set_dims(0, -3);
  c.save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "initializer 'W'", "negative"});
}

TEST(CliRunBadModel, MoreThan2To40Elements) {
  TempDir d("run");
  relu_model({1 << 20, 1 << 20, 2}).save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "graph input 'x'", "2^40"});
  auto c = gemm_model();
  c.graph().mutable_initializer(0)->set_dims(0, std::int64_t{1} << 39);
  c.save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "initializer 'W'", "2^40"});
}

TEST(CliRunBadModel, MissingInitializer) {
  TempDir d("run");
  auto b = gemm_model();
  b.graph().mutable_initializer()->DeleteSubrange(0, 1);  // drop W
  b.save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "'fc'", "'W'"});
}

TEST(CliRunBadModel, DataSizeNotMatchingDims) {
  TempDir d("run");
  auto b = gemm_model();
  b.graph().mutable_initializer(0)->add_float_data(1.f);
  b.save(d / "m.onnx");
  expect_rejected(d / "m.onnx", {d / "m.onnx", "initializer 'W'", "needs 12"});
}

// ---- bad inputs ----

TEST(CliRunBadInput, WrongShape) {
  TempDir d("run");
  relu_model().save(d / "m.onnx");
  write_tensor_pb(d / "x.pb", f32({1, 5}, {1, 2, 3, 4, 5}), "x");
  expect_rejected(d / "m.onnx --input x=" + d / "x.pb", {d / "x.pb", "1x5", "'x'", "1x4"});
  write_tensor_pb(d / "x3.pb", f32({1, 4, 1}, {1, 2, 3, 4}), "x");
  expect_rejected(d / "m.onnx --input x=" + d / "x3.pb", {d / "x3.pb", "1x4x1"});
  // With --batch the file must have that batch.
  gemm_model().save(d / "g.onnx");
  write_tensor_pb(d / "g.pb", f32({2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}), "x");
  expect_rejected(d / "g.onnx --batch 3 --input x=" + d / "g.pb", {d / "g.pb", "2x4"});
}

TEST(CliRunBadInput, WrongDtype) {
  TempDir d("run");
  relu_model().save(d / "m.onnx");
  write_tensor_pb(d / "x.pb", Tensor(DType::i64, {1, 4}), "x");
  expect_rejected(d / "m.onnx --input x=" + d / "x.pb", {d / "x.pb", "i64", "'x'", "f32"});
}

TEST(CliRunBadInput, NotATensorProto) {
  TempDir d("run");
  relu_model().save(d / "m.onnx");
  relu_model().save(d / "model_as_input.pb");
  expect_rejected(d / "m.onnx --input x=" + d / "model_as_input.pb",
                  {d / "model_as_input.pb", "TensorProto"});
  write_bytes(d / "junk.pb", std::string("\xff\xff\xff\xff garbage", 12));
  expect_rejected(d / "m.onnx --input x=" + d / "junk.pb", {d / "junk.pb"});
}

TEST(CliRunBadInput, UnknownInputName) {
  TempDir d("run");
  relu_model().save(d / "m.onnx");
  write_tensor_pb(d / "x.pb", f32({1, 4}, {1, 2, 3, 4}), "x");
  expect_rejected(d / "m.onnx --input nope=" + d / "x.pb", {"'nope'", "x"});
}

TEST(CliRunBadInput, OutputDirIsAFile) {
  TempDir d("run");
  relu_model().save(d / "m.onnx");
  write_bytes(d / "file", "x");
  expect_rejected(d / "m.onnx --output-dir " + d / "file", {"--output-dir", d / "file"});
}

TEST(CliRunBadInput, MalformedOptions) {
  TempDir d("run");
  relu_model().save(d / "m.onnx");
  expect_rejected(d / "m.onnx --input x", {"--input"});
  expect_rejected(d / "m.onnx --shape x=1xqx4", {"1xqx4"});
}

// ---- real models from ../shared/data ----

TEST(CliRunSharedModels, UltrafaceModels) {
  const std::string dir = std::string(INFERLAB_SHARED_DATA) + "/ultraface";
  const char* names[] = {"version-RFB-320.onnx", "version-RFB-320_without_postprocessing.onnx",
                         "version-slim-320_simplified.onnx"};
  int ran = 0;
  for (const char* n : names) {
    const std::string path = dir + "/" + n;
    if (!std::filesystem::exists(path)) continue;
    const CliResult r = run_cli(run_ref(path + " --batch 1"));
    EXPECT_EQ(r.status, 0) << n << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "output scores f32 1x4420x2")) << n << "\n" << r.out;
    EXPECT_TRUE(contains(r.out, "output boxes f32 1x4420x4")) << n << "\n" << r.out;
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << dir << " is absent (shared data not available)";
}

TEST(CliRunSharedModels, Resnet20Cifar10) {
  const std::string path = std::string(INFERLAB_SHARED_DATA) + "/cifar10/resnet20_cifar10.onnx";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent (shared data)";
  const CliResult r = run_cli(run_ref(path + " --batch 1"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "output logits f32 1x10")) << r.out;
  EXPECT_TRUE(contains(r.out, "top-5 [0]")) << r.out;
}
