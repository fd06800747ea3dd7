// Regression tests for the importer crashes the reliability probe found (docs/reliability.md):
// a node with no outputs (SIGSEGV in shape functions) and a Conv/ConvTranspose weight with an
// empty dimension (SIGFPE in the MAC count). Each model is the minimal input, built here.
#include <gtest/gtest.h>

#include "inferlab/inferlab.h"
#include "inferlab/lab/tensor_file.h"
#include "support/cli.h"
#include "support/onnx_builder.h"

using namespace inferlab;
using namespace inferlab::test;

namespace {

// What compiling `path` on `engine` throws ("" when it compiles).
std::string compile_error(const std::string& path, const std::string& engine) {
  try {
    CompileOptions o;
    o.engine = parse_engine(engine);
    o.streams = 1;
    o.threads_per_stream = 1;
    Core().compile_model(path, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// x -> Abs (no outputs); the graph output is x itself, so the graph is otherwise valid.
ModelBuilder abs_without_outputs() {
  ModelBuilder b;
  b.input("x", {1, 4}).output("x", {1, 4});
  b.node("Abs", {"x"}, {}, "abs");
  return b;
}

// x [1,1,5,5] -> Conv(W [0,1,3,3]) -> y: a weight with zero output channels.
ModelBuilder conv_with_empty_weight(const std::string& op, std::vector<std::int64_t> w) {
  ModelBuilder b;
  b.input("x", {1, 1, 5, 5}).output("y");
  b.initializer("W", w, {});
  b.node(op, {"x", "W"}, {"y"}, "conv");
  return b;
}

}  // namespace

TEST(ImportCrash, NodeWithoutOutputsIsAnErrorNamingFileAndNode) {
  TempDir d("rel");
  abs_without_outputs().save(d / "noout.onnx");
  for (const char* engine : {"reference", "optimized"}) {
    const std::string e = compile_error(d / "noout.onnx", engine);
    EXPECT_NE(e.find(d / "noout.onnx"), std::string::npos) << e;
    EXPECT_NE(e.find("node 'abs' (Abs): expects 1 outputs, got 0"), std::string::npos) << e;
  }
}

TEST(ImportCrash, UnnamedRequiredOutputIsAnError) {
  TempDir d("rel");
  ModelBuilder b;
  b.input("x", {1, 4}).output("x", {1, 4});
  b.node("Shape", {"x"}, {""}, "shape");
  b.save(d / "m.onnx");
  const std::string e = compile_error(d / "m.onnx", "reference");
  EXPECT_NE(e.find("node 'shape' (Shape): required output 0 has no name"), std::string::npos) << e;
}

TEST(ImportCrash, TooManyOutputsAndInputsAreErrors) {
  TempDir d("rel");
  ModelBuilder b;
  b.input("x", {1, 4}).output("y", {1, 4});
  b.node("Relu", {"x"}, {"y", "z"}, "relu");
  b.save(d / "outs.onnx");
  EXPECT_NE(compile_error(d / "outs.onnx", "reference").find("expects 1 outputs, got 2"),
            std::string::npos);
  ModelBuilder c;
  c.input("x", {1, 4}).output("y", {1, 4});
  c.node("Relu", {}, {"y"}, "relu");
  c.save(d / "ins.onnx");
  EXPECT_NE(compile_error(d / "ins.onnx", "reference").find("expects at least 1 inputs, got 0"),
            std::string::npos);
}

TEST(ImportCrash, ConvWeightWithZeroOutputChannelsIsAnError) {
  TempDir d("rel");
  conv_with_empty_weight("Conv", {0, 1, 3, 3}).save(d / "conv_w0.onnx");
  for (const char* engine : {"reference", "optimized"}) {
    const std::string e = compile_error(d / "conv_w0.onnx", engine);
    EXPECT_NE(e.find(d / "conv_w0.onnx"), std::string::npos) << e;
    EXPECT_NE(e.find("node 'conv' (Conv): weight shape 0x1x3x3 has an empty dimension"),
              std::string::npos)
        << e;
  }
}

TEST(ImportCrash, ConvTransposeWeightWithAnEmptyDimensionIsAnError) {
  TempDir d("rel");
  conv_with_empty_weight("ConvTranspose", {1, 0, 3, 3}).save(d / "ct.onnx");
  const std::string e = compile_error(d / "ct.onnx", "optimized");
  EXPECT_NE(e.find("node 'conv' (ConvTranspose): weight shape 1x0x3x3 has an empty dimension"),
            std::string::npos)
      << e;
}

TEST(ImportCrash, CliRunReportsTheBadNodeWithStatus2) {
  TempDir d("rel");
  abs_without_outputs().save(d / "noout.onnx");
  conv_with_empty_weight("Conv", {0, 1, 3, 3}).save(d / "conv_w0.onnx");
  for (const char* m : {"noout.onnx", "conv_w0.onnx"}) {
    const CliResult r = run_cli("run " + d / m);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, d / m)) << r.out;
  }
}

// One bad case in a folder used to kill `check` before its summary; now it is one failed case.
TEST(ImportCrash, CheckFolderWithOneBadCaseStillPrintsTheSummary) {
  TempDir d("rel");
  Tensor x(DType::f32, {1, 4});
  for (const char* c : {"a_bad", "b_good"}) {
    std::filesystem::create_directories(d.path() / c / "test_data_set_0");
    write_tensor_pb(d / (std::string(c) + "/test_data_set_0/input_0.pb"), x, "x");
    write_tensor_pb(d / (std::string(c) + "/test_data_set_0/output_0.pb"), x, "y");
  }
  abs_without_outputs().save(d / "a_bad/model.onnx");
  relu_model().save(d / "b_good/model.onnx");
  const CliResult r = run_cli("check --engine reference " + d.path().string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL a_bad: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "expects 1 outputs, got 0")) << r.out;
  EXPECT_TRUE(contains(r.out, "PASS b_good")) << r.out;
  EXPECT_TRUE(contains(r.out, "1 passed, 1 failed, 0 skipped")) << r.out;
}
