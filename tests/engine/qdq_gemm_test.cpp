// A quantized classifier head, DQ(x) -> Gemm with DQ'd s8 weights and a float result (no
// QuantizeLinear after, as in a QDQ ResNet-50): under precision i8 fuse_qdq makes it
// com.microsoft MatMulIntegerToFloat, which runs as a oneDNN int8 matmul with an f32 output.
#include <gtest/gtest.h>

#include <random>

#include "engine_test_util.h"
#include "passes/passes.h"
#include "passes/shape_inference.h"

namespace inferlab::test {
namespace {

constexpr std::int64_t kK = 96, kN = 40;

enum class Head { per_channel_bias_dq, per_tensor_f32_bias, no_bias_u8_zero_point };

// x [M, K] -> QDQ -> Gemm(DQ(W s8), bias). per_channel_bias_dq: W [N, K] (transB 1) with
// per-row scales and the bias as DQ of s32 (what `inferlab quantize` writes); per_tensor_f32_bias:
// W [K, N] (transB 0), one scale, f32 bias; no_bias_u8_zero_point: x as u8 with zero point 9.
std::shared_ptr<Graph> head(Head kind, std::int64_t m = 1) {
  GraphBuilder b;
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> d(-127, 127);
  const bool u8 = kind == Head::no_bias_u8_zero_point;
  const bool trans_b = kind != Head::per_tensor_f32_bias;
  auto x = qdq(b, b.input("x", {m, kK}), "x", 1.f / 100, u8 ? 9 : 0, u8 ? DType::u8 : DType::i8);
  Tensor w(DType::i8, trans_b ? Shape{kN, kK} : Shape{kK, kN});
  for (std::int64_t i = 0; i < w.numel(); ++i)
    w.data<std::int8_t>()[i] = static_cast<std::int8_t>(d(rng));
  const bool per_channel = kind == Head::per_channel_bias_dq;
  Tensor ws(DType::f32, per_channel ? Shape{kN} : Shape{}), wz(DType::i8, ws.shape());
  for (std::int64_t j = 0; j < ws.numel(); ++j)
    ws.data<float>()[j] = 0.003f * (1.f + 0.1f * static_cast<float>(j % 5));
  Attributes axis0;
  axis0.set("axis", std::int64_t{0});
  auto wdq = b.node("DequantizeLinear", "w_dq",
                    {b.constant("w", w), b.constant("ws", ws), b.constant("wz", wz)}, axis0);
  std::vector<std::string> in = {x, wdq};
  if (kind == Head::per_channel_bias_dq) {
    Tensor q(DType::i32, {kN}), s(DType::f32, {kN});
    for (std::int64_t j = 0; j < kN; ++j) {
      q.data<std::int32_t>()[j] = static_cast<std::int32_t>(j * 211 - 4000);
      s.data<float>()[j] = 0.01f * ws.data<float>()[j];
    }
    in.push_back(b.node(
        "DequantizeLinear", "b_dq",
        {b.constant("bq", q), b.constant("bs", s), b.constant("bz", Tensor(DType::i32, {kN}))},
        axis0));
  } else if (kind == Head::per_tensor_f32_bias) {
    in.push_back(b.weight("bias", {kN}, 0.5f));
  }
  Attributes a;
  a.set("transB", std::int64_t{trans_b ? 1 : 0});
  b.output(b.node("Gemm", "fc", in, a));
  return b.graph();
}

constexpr Head kHeads[] = {Head::per_channel_bias_dq, Head::per_tensor_f32_bias,
                           Head::no_bias_u8_zero_point};

TEST(QdqGemm, PassMakesMatMulIntegerToFloat) {
  for (Head kind : kHeads) {
    Graph g = *head(kind);
    EXPECT_EQ(fuse_qdq(g), 1);
    eliminate_dead_nodes(g);
    int fused = 0;
    for (const auto& n : g.nodes) {
      EXPECT_NE(n.op_type, "Gemm");
      if (n.op_type != "MatMulIntegerToFloat") continue;
      ++fused;
      EXPECT_EQ(n.domain, "com.microsoft");
      EXPECT_EQ(n.inputs.size(), kind == Head::no_bias_u8_zero_point ? 6u : 7u);
    }
    EXPECT_EQ(fused, 1);
  }
}

TEST(QdqGemm, RunsInt8OnOneDnnAndMatchesModelAsWritten) {
  for (Head kind : kHeads) {
    const CompiledModel cm = Core().compile_model(wrap_graph(head(kind)), i8_options());
    bool found = false;
    for (const auto& l : cm.layers()) {
      if (l.op_type != "MatMulIntegerToFloat") continue;
      found = true;
      EXPECT_EQ(l.precision, "i8") << cm.dump_graph();
      EXPECT_NE(l.implementation, "reference") << cm.dump_graph();
      EXPECT_NE(std::find(l.fused_from.begin(), l.fused_from.end(), "w_dq"), l.fused_from.end());
    }
    EXPECT_TRUE(found) << cm.dump_graph();
    // Exact integer sums scaled once against float products summed: rounding only.
    for (std::int64_t batch : {1, 3})
      expect_matches_reference(head(kind, batch), i8_options(batch), 1e-3, 1e-4);
  }
}

TEST(QdqGemm, OneDnnMatchesTheReferenceKernelOfTheFusedOp) {
  // The fused graph on reference kernels (ops/matmul_integer_to_float.cpp) against oneDNN, which
  // gets the bias divided by the output scale (added before it): float rounding only.
  for (Head kind : kHeads) {
    auto fused = std::make_shared<Graph>(*head(kind));
    ASSERT_EQ(fuse_qdq(*fused), 1);
    infer_shapes_and_fold(*fused);
    CompileOptions ref;
    ref.engine = Engine::reference;
    const CompiledModel r = Core().compile_model(wrap_graph(fused), ref);
    const CompiledModel a = Core().compile_model(wrap_graph(head(kind)), i8_options());
    const auto in = random_inputs(a, 3);
    const auto d = compare_tensors(run_model(a, in)[0], run_model(r, in)[0], 1e-5, 1e-5);
    EXPECT_TRUE(d.ok) << d.reason << " max_abs=" << d.max_abs;
  }
}

TEST(QdqGemm, NotFusedForF32) {
  CompileOptions o = i8_options();
  o.precision = Precision::f32;
  const CompiledModel cm = Core().compile_model(wrap_graph(head(Head::per_channel_bias_dq)), o);
  for (const auto& l : cm.layers()) EXPECT_NE(l.op_type, "MatMulIntegerToFloat");
}

}  // namespace
}  // namespace inferlab::test
