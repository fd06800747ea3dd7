// CompileOptions::precision on the optimized engine: bf16 changes the primitives (and results,
// within bf16 tolerance of the reference engine), impossible requests fail with a clear Error,
// and the per-layer precision summary says what ran.
#include <gtest/gtest.h>

#include "engine_test_util.h"

namespace inferlab::test {
namespace {

// Conv+ReLU, a residual block, max pool, global pool, Gemm and Softmax: every kind of layer the
// bf16 policy covers, and two that stay f32 (Softmax, and Gemm's f32 output feeding it).
std::shared_ptr<Graph> bf16_net(std::int64_t batch = 2) {
  GraphBuilder b;
  auto x = b.input("x", {batch, 3, 16, 16});
  auto s = b.node("Relu", "stem_relu", {b.conv("stem", x, 3, 32, 3)});
  Attributes mp;
  mp.set("kernel_shape", std::vector<std::int64_t>{2, 2});
  mp.set("strides", std::vector<std::int64_t>{2, 2});
  auto p = b.node("MaxPool", "pool", {s}, mp);
  auto c1 = b.node("Relu", "r1", {b.conv("c1", p, 32, 32, 3)});
  auto add = b.node("Relu", "r2", {b.node("Add", "add", {b.conv("c2", c1, 32, 32, 3), p})});
  auto gap = b.node("GlobalAveragePool", "gap", {add});
  Attributes fl;
  fl.set("axis", std::int64_t{1});
  auto f = b.node("Flatten", "flatten", {gap}, fl);
  Attributes gm;
  gm.set("transB", std::int64_t{1});
  auto fc = b.node("Gemm", "fc", {f, b.weight("fc_w", {10, 32}), b.weight("fc_b", {10})}, gm);
  b.output(b.node("Softmax", "softmax", {fc}));
  b.output(add);
  return b.graph();
}

CompileOptions one_thread(Precision p) {
  CompileOptions o;
  o.threads_per_stream = 1;
  o.precision = p;
  return o;
}

const LayerProfile& layer(const std::vector<LayerProfile>& v, const std::string& name) {
  for (const auto& l : v)
    if (l.name == name) return l;
  throw std::runtime_error("no layer " + name);
}

TEST(Precision, ParseAndName) {
  EXPECT_EQ(parse_precision("bf16"), Precision::bf16);
  EXPECT_EQ(parse_precision("i8"), Precision::i8);
  EXPECT_STREQ(precision_name(parse_precision("f32")), "f32");
  EXPECT_THROW(parse_precision("bf61"), Error);
  EXPECT_THROW(parse_precision("f16"), Error);  // not offered: it would not be honoured
}

TEST(Precision, Bf16ChangesPrimitivesAndLayerPrecision) {
  Core core;
  const auto g = bf16_net();
  const CompiledModel f32 = core.compile_model(wrap_graph(g), one_thread(Precision::f32));
  const CompiledModel bf = core.compile_model(wrap_graph(g), one_thread(Precision::bf16));
  const auto lf = f32.layers(), lb = bf.layers();
  for (const char* conv : {"stem", "c1", "c2"}) {
    EXPECT_EQ(layer(lf, conv).precision, "f32") << conv;
    EXPECT_EQ(layer(lb, conv).precision, "bf16") << conv;
    // oneDNN's bf16 kernels carry the ISA in their name (e.g. brgconv:avx512_core_bf16).
    EXPECT_NE(layer(lb, conv).implementation.find("bf16"), std::string::npos)
        << conv << ": " << layer(lb, conv).implementation;
    EXPECT_NE(layer(lf, conv).implementation, layer(lb, conv).implementation) << conv;
  }
  EXPECT_EQ(layer(lb, "fc").precision, "bf16");
  EXPECT_EQ(layer(lb, "pool").precision, "bf16");
  EXPECT_EQ(layer(lb, "gap").precision, "bf16");
  EXPECT_EQ(layer(lb, "softmax").precision, "f32");
  EXPECT_EQ(f32.precision_summary(), fmt::format("f32: {} layers", lf.size()));
  EXPECT_NE(bf.precision_summary().find("bf16: "), std::string::npos) << bf.precision_summary();
  EXPECT_NE(bf.precision_summary().find("softmax"), std::string::npos) << bf.precision_summary();
  EXPECT_NE(bf.dump_graph().find("precision=bf16"), std::string::npos);
}

TEST(Precision, Bf16MatchesReferenceWithinBf16Tolerance) {
  // bf16 keeps 8 significant bits (relative step 2^-8 = 0.4%); five layers of rounding stay
  // within a few percent. Outputs are f32 tensors.
  for (std::int64_t batch : {1, 4}) {
    CompileOptions o = one_thread(Precision::bf16);
    o.batch = batch;
    expect_matches_reference(bf16_net(batch), o, 5e-2, 3e-2);
  }
}

TEST(Precision, Bf16ResultsDifferFromF32) {
  // If the option were ignored the results would be bitwise those of f32.
  Core core;
  const auto g = bf16_net();
  const CompiledModel f32 = core.compile_model(wrap_graph(g), one_thread(Precision::f32));
  const CompiledModel bf = core.compile_model(wrap_graph(g), one_thread(Precision::bf16));
  const auto in = random_inputs(f32, 3);
  const auto a = run_model(f32, in), b = run_model(bf, in);
  ASSERT_EQ(b[1].dtype(), DType::f32);
  const TensorDiff d = compare_tensors(b[1], a[1], 0.0, 0.0);
  EXPECT_FALSE(d.ok);
  EXPECT_GT(d.max_abs, 1e-6);
}

TEST(Precision, ReferenceEngineRefusesLowPrecision) {
  Core core;
  CompileOptions o = one_thread(Precision::bf16);
  o.engine = Engine::reference;
  try {
    core.compile_model(wrap_graph(bf16_net()), o);
    FAIL() << "the reference engine accepted bf16";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("reference engine runs f32 only"), std::string::npos)
        << e.what();
  }
}

TEST(Precision, Int8OnFloatModelIsRefused) {
  Core core;
  try {
    core.compile_model(wrap_graph(bf16_net()), one_thread(Precision::i8));
    FAIL() << "i8 on an f32 model compiled";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_TRUE(m.find("quantized model") != std::string::npos ||
                m.find("VNNI") != std::string::npos)
        << m;
  }
}

TEST(Precision, Bf16ConvWithoutOneDnnPathFails) {
  // A Conv whose weights are an input (not constant) has no oneDNN path here: under bf16 that
  // is an error naming the node, not an f32 reference run.
  GraphBuilder b;
  auto x = b.input("x", {1, 4, 8, 8});
  auto w = b.input("w", {4, 4, 3, 3});
  b.output(b.node("Conv", "dyn_conv", {x, w}));
  Core core;
  try {
    core.compile_model(wrap_graph(b.graph()), one_thread(Precision::bf16));
    FAIL() << "bf16 compiled a conv it cannot run in bf16";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("dyn_conv"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace inferlab::test
