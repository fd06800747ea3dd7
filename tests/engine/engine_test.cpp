// The optimized engine on small built graphs: agreement with the reference engine (batch 1 and
// 4, 1 and 2 streams, direct and Winograd convolution), bitwise determinism, dump, memory
// accounting and per-layer profiles.
#include <gtest/gtest.h>

#include "engine_test_util.h"
#include "runtime/stream_pool.h"

namespace inferlab::test {
namespace {

// A ResNet-like block stack: stem conv + BN + ReLU, max pool, a 3x3 64-channel residual block
// (Winograd candidate), a strided 1x1 projection, global average pool, flatten, Gemm, softmax.
std::shared_ptr<Graph> small_cnn(std::int64_t batch = 1) {
  GraphBuilder b;
  auto x = b.input("x", {batch, 3, 32, 32});
  auto s =
      b.node("Relu", "stem_relu", {b.batchnorm("stem_bn", b.conv("stem", x, 3, 64, 7, 2), 64)});
  Attributes mp;
  mp.set("kernel_shape", std::vector<std::int64_t>{3, 3});
  mp.set("strides", std::vector<std::int64_t>{2, 2});
  mp.set("pads", std::vector<std::int64_t>{1, 1, 1, 1});
  auto p = b.node("MaxPool", "pool", {s}, mp);
  auto c1 = b.node("Relu", "r1", {b.conv("c1", p, 64, 64, 3)});
  auto c2 = b.conv("c2", c1, 64, 64, 3);
  auto add = b.node("Relu", "r2", {b.node("Add", "add", {c2, p})});
  auto proj = b.conv("proj", add, 64, 128, 1, 2);
  auto dw = b.node("Clip", "relu6",
                   {b.conv("dw", proj, 128, 128, 3, 1, 128),
                    b.constant("lo", Tensor(DType::f32, {})), b.constant("hi", [] {
                      Tensor t(DType::f32, {});
                      t.data<float>()[0] = 6.f;
                      return t;
                    }())});
  auto gap = b.node("GlobalAveragePool", "gap", {dw});
  Attributes fl;
  fl.set("axis", std::int64_t{1});
  auto f = b.node("Flatten", "flatten", {gap}, fl);
  Attributes gm;
  gm.set("transB", std::int64_t{1});
  auto fc = b.node("Gemm", "fc", {f, b.weight("fc_w", {10, 128}), b.weight("fc_b", {10})}, gm);
  b.output(b.node("Softmax", "softmax", {fc}));
  b.output(add);  // an intermediate output in blocked layout
  return b.graph();
}

struct Config {
  std::int64_t batch;
  int streams;
  std::string algo;
};

class SmallCnn : public ::testing::TestWithParam<Config> {};

TEST_P(SmallCnn, MatchesReference) {
  const Config c = GetParam();
  CompileOptions o;
  o.batch = c.batch;
  o.streams = c.streams;
  o.threads_per_stream = 1;
  o.conv_algo = parse_conv_algo(c.algo);
  if (static_cast<int>(available_cpus().size()) < c.streams) GTEST_SKIP() << "not enough CPUs";
  expect_matches_reference(small_cnn(), o, 1e-3, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Configs, SmallCnn,
                         ::testing::Values(Config{1, 1, "auto"}, Config{4, 1, "auto"},
                                           Config{1, 2, "direct"}, Config{4, 2, "winograd"},
                                           Config{2, 1, "direct"}));

TEST(OptimizedEngine, DumpShowsImplementationsLayoutsAndFusion) {
  Core core;
  const CompiledModel cm = core.compile_model(wrap_graph(small_cnn()), {});
  const std::string d = cm.dump_graph();
  EXPECT_NE(d.find("avx512"), std::string::npos) << d;
  EXPECT_NE(d.find("layout=nChw16c"), std::string::npos) << d;
  EXPECT_NE(d.find("post=sum,relu"), std::string::npos) << d;
  EXPECT_NE(d.find("fused=stem,stem_bn,stem_relu"), std::string::npos) << d;
  EXPECT_EQ(d.find("BatchNormalization"), std::string::npos) << d;
  EXPECT_NE(d.find("Flatten            [view]"), std::string::npos) << d;
  EXPECT_GT(cm.weight_bytes(), 0u);
  EXPECT_GT(cm.activation_bytes(), 0u);
}

TEST(OptimizedEngine, ConvAlgoOption) {
  Core core;
  CompileOptions o;
  o.conv_algo = ConvAlgo::direct;
  const std::string direct = core.compile_model(wrap_graph(small_cnn()), o).dump_graph();
  EXPECT_EQ(direct.find("wino"), std::string::npos) << direct;
  o.conv_algo = ConvAlgo::winograd;
  const std::string wino = core.compile_model(wrap_graph(small_cnn()), o).dump_graph();
  EXPECT_NE(wino.find("wino"), std::string::npos) << wino;
  EXPECT_THROW(parse_conv_algo("fastest"), Error);
}

TEST(OptimizedEngine, BitwiseIdenticalAcrossRuns) {
  Core core;
  CompileOptions o;
  o.batch = 2;
  const CompiledModel cm = core.compile_model(wrap_graph(small_cnn()), o);
  const auto in = random_inputs(cm, 3);
  const auto first = run_model(cm, in);
  InferRequest r = cm.create_infer_request();
  r.set_tensor("x", in[0]);
  for (int k = 0; k < 3; ++k) {
    r.infer();
    for (std::size_t i = 0; i < first.size(); ++i) {
      const Tensor t = r.get_tensor(cm.outputs()[i].name);
      ASSERT_EQ(t.nbytes(), first[i].nbytes());
      EXPECT_EQ(std::memcmp(t.raw(), first[i].raw(), t.nbytes()), 0) << "run " << k;
    }
  }
}

TEST(OptimizedEngine, ConcurrentRequestsOnTwoStreams) {
  if (available_cpus().size() < 2) GTEST_SKIP() << "needs 2 CPUs";
  Core core;
  CompileOptions o;
  o.hint = PerformanceHint::throughput;
  o.streams = 2;
  const CompiledModel cm = core.compile_model(wrap_graph(small_cnn()), o);
  EXPECT_EQ(cm.streams(), 2);
  const auto expected = run_model(cm, random_inputs(cm, 11));
  std::vector<InferRequest> reqs;
  for (int i = 0; i < 4; ++i) {
    reqs.push_back(cm.create_infer_request());
    reqs.back().set_tensor("x", random_inputs(cm, 11)[0]);
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& r : reqs) r.start();
    for (auto& r : reqs) {
      r.wait();
      const Tensor t = r.get_tensor(cm.outputs()[0].name);
      EXPECT_EQ(std::memcmp(t.raw(), expected[0].raw(), t.nbytes()), 0);
    }
  }
}

TEST(OptimizedEngine, ProfileMapsBackToModelNodes) {
  Core core;
  CompileOptions o;
  o.perf_counters = true;
  const CompiledModel cm = core.compile_model(wrap_graph(small_cnn()), o);
  InferRequest r = cm.create_infer_request();
  r.infer();
  r.infer();
  const auto prof = r.profile();
  ASSERT_FALSE(prof.empty());
  bool saw_fused = false;
  for (const auto& p : prof) {
    EXPECT_EQ(p.count, p.implementation == "view" ? 0 : 2) << p.name;  // views run nothing
    EXPECT_GE(p.time_ms, 0.0);
    EXPECT_FALSE(p.implementation.empty());
    if (p.name == "c2") {
      saw_fused = true;
      EXPECT_EQ(p.fused_from, (std::vector<std::string>{"c2", "add", "r2"}));
    }
  }
  EXPECT_TRUE(saw_fused);
}

TEST(OptimizedEngine, MixedNodesFallBackToReference) {
  // Tanh on a broadcast Mul (reference), then a conv (oneDNN) reading it, then Transpose.
  GraphBuilder b;
  auto x = b.input("x", {2, 8, 6, 6});
  auto m = b.node("Mul", "scale", {x, b.weight("s", {8, 1, 1})});
  auto c = b.conv("conv", b.node("Tanh", "tanh", {m}), 8, 16, 3);
  Attributes perm;
  perm.set("perm", std::vector<std::int64_t>{0, 2, 3, 1});
  b.output(b.node("Transpose", "t", {c}, perm));
  expect_matches_reference(b.graph(), {});
}

TEST(OptimizedEngine, FusedNodesOnTheReferencePathApplyTheirPostOps) {
  // Conv with runtime weights (oneDNN path needs constants) fused with a residual Add and a
  // Relu; a 1-D Conv fused with a LeakyRelu; a transA Gemm fused with a Sigmoid.
  GraphBuilder b;
  auto x = b.input("x", {1, 4, 6, 6});
  auto w = b.input("w", {4, 4, 3, 3});
  Attributes a;
  a.set("pads", std::vector<std::int64_t>{1, 1, 1, 1});
  auto c = b.node("Conv", "conv_rt", {x, w}, a);
  b.output(b.node("Relu", "relu", {b.node("Add", "add", {c, x})}));
  auto x1 = b.input("x1", {2, 3, 10});
  Attributes a1;
  a1.set("kernel_shape", std::vector<std::int64_t>{3});
  auto c1 = b.node("Conv", "conv1d", {x1, b.weight("w1", {5, 3, 3})}, a1);
  Attributes lr;
  lr.set("alpha", 0.3f);
  b.output(b.node("LeakyRelu", "lrelu", {c1}, lr));
  auto at = b.input("at", {7, 3});
  Attributes gm;
  gm.set("transA", std::int64_t{1});
  b.output(
      b.node("Sigmoid", "sig",
             {b.node("Gemm", "gemm_t", {at, b.weight("gw", {7, 4}), b.weight("gc", {4})}, gm)}));
  expect_matches_reference(b.graph(), {});
  Core core;
  const std::string d = core.compile_model(wrap_graph(b.graph()), {}).dump_graph();
  EXPECT_NE(d.find("[reference] layout=plain precision=f32 relu_out:1x4x6x6 post=sum,relu"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("post=relu fused=conv1d,lrelu"), std::string::npos) << d;
  EXPECT_NE(d.find("post=sigmoid fused=gemm_t,sig"), std::string::npos) << d;
}

TEST(OptimizedEngine, MatMulWithConstantWeightsIsAnInnerProduct) {
  GraphBuilder b;
  auto x = b.input("x", {3, 12});
  auto y = b.input("y", {12, 4});
  b.output(b.node("MatMul", "mm_const", {x, b.weight("w", {12, 5})}));
  b.output(b.node("MatMul", "mm_runtime", {x, y}));  // runtime B: reference kernel
  expect_matches_reference(b.graph(), {});
  Core core;
  const std::string d = core.compile_model(wrap_graph(b.graph()), {}).dump_graph();
  EXPECT_NE(d.find("mm_const                         MatMul             [brgemm"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("mm_runtime                       MatMul             [reference]"),
            std::string::npos)
      << d;
}

TEST(OptimizedEngine, ReshapeViewsShareBuffersSafely) {
  // r is viewed by a Reshape that is a graph output, and is also the residual operand of a
  // later conv: the residual sum must not accumulate into r's buffer. The graph input is
  // flattened (a view of the caller's tensor) and fed to a Gemm.
  GraphBuilder b;
  auto x = b.input("x", {2, 16, 4, 4});
  auto r = b.conv("c0", x, 16, 16, 1);
  auto shape = b.constant("shape", [] {
    Tensor t(DType::i64, {2});
    t.data<std::int64_t>()[0] = 2;
    t.data<std::int64_t>()[1] = 256;
    return t;
  }());
  b.output(b.node("Reshape", "view_r", {r, shape}));
  b.output(b.node("Add", "add", {b.conv("c1", r, 16, 16, 3), r}));
  Attributes fl;
  fl.set("axis", std::int64_t{1});
  auto f = b.node("Flatten", "flat_x", {x}, fl);
  Attributes gm;
  gm.set("transB", std::int64_t{1});
  b.output(b.node("Gemm", "fc", {f, b.weight("w", {5, 256}), b.weight("bias", {5})}, gm));
  expect_matches_reference(b.graph(), {});
  Core core;
  const std::string d = core.compile_model(wrap_graph(b.graph()), {}).dump_graph();
  EXPECT_NE(d.find("[view]"), std::string::npos) << d;
}

}  // namespace
}  // namespace inferlab::test
