// The residual Add of a quantized ResNet as the int8 `sum` post-op of the preceding int8 conv
// (passes/fuse_qdq_sum.cpp, ops/qlinear_conv_sum.cpp): fused, run by oneDNN, tensors int8 from
// layer to layer, and within a few quantization steps of the model run as written.
#include <gtest/gtest.h>

#include <random>

#include "engine_test_util.h"
#include "passes/passes.h"
#include "passes/shape_inference.h"
#include "runtime/model_graph.h"

namespace inferlab::test {
namespace {

// DQ(s8 weights, per output channel) -> Conv k x k, same padding.
std::string conv(GraphBuilder& b, const std::string& x, const std::string& p, std::int64_t cout,
                 std::int64_t cin, std::int64_t k, std::mt19937& rng) {
  Tensor w(DType::i8, {cout, cin, k, k}), s(DType::f32, {cout}), z(DType::i8, {cout});
  std::uniform_int_distribution<int> d(-127, 127);
  for (std::int64_t i = 0; i < w.numel(); ++i)
    w.data<std::int8_t>()[i] = static_cast<std::int8_t>(d(rng));
  for (std::int64_t m = 0; m < cout; ++m) s.data<float>()[m] = 0.003f + 0.001f * (m % 3);
  Attributes axis0, a;
  axis0.set("axis", std::int64_t{0});
  a.set("kernel_shape", std::vector<std::int64_t>{k, k});
  a.set("pads", std::vector<std::int64_t>{k / 2, k / 2, k / 2, k / 2});
  const auto wdq =
      b.node("DequantizeLinear", p + "_wdq",
             {b.constant(p + "_w", w), b.constant(p + "_ws", s), b.constant(p + "_wz", z)}, axis0);
  return b.node("Conv", p, {x, wdq}, a);
}

enum class Residual {
  identity,    // conv(x) s8 + x u8 -> Relu -> u8: the sum operand has dst's type
  downsample,  // conv_a(x) s8 + conv_b(x) s8 -> Relu -> u8: an s8 operand in a u8 dst
  zero_points  // conv(x) s8 + x u8 (zero point 128) -> s8 with zero point 5, no Relu
};

std::shared_ptr<Graph> residual_net(Residual kind) {
  GraphBuilder b;
  std::mt19937 rng(5);
  const int in_zp = kind == Residual::zero_points ? 128 : 0;
  const auto x = qdq(b, b.input("x", {1, 16, 9, 9}), "in", 1.f / 100, in_zp, DType::u8);
  const auto a = qdq(b, conv(b, x, "conv_a", 16, 16, 3, rng), "a", 0.05f, 0, DType::i8);
  const auto other = kind == Residual::downsample
                         ? qdq(b, conv(b, x, "conv_b", 16, 16, 1, rng), "b", 0.04f, 0, DType::i8)
                         : x;
  const auto sum = b.node("Add", "add", {a, other});
  if (kind == Residual::zero_points) {
    b.output(qdq(b, sum, "out", 0.06f, 5, DType::i8));
  } else {
    b.output(qdq(b, b.node("Relu", "relu", {sum}), "out", 0.06f, 0, DType::u8));
  }
  return b.graph();
}

}  // namespace

TEST(QdqSum, ResidualAddIsTheConvSumPostOpOnOneDnn) {
  for (Residual kind : {Residual::identity, Residual::downsample, Residual::zero_points}) {
    const CompiledModel cm = Core().compile_model(wrap_graph(residual_net(kind)), i8_options());
    const std::string dump = cm.dump_graph();
    int sums = 0;
    for (const auto& l : cm.layers()) {
      EXPECT_NE(l.op_type, "QLinearAdd") << dump;
      EXPECT_NE(l.op_type, "Add") << dump;
      if (l.op_type != "QLinearConvSum") continue;
      ++sums;
      EXPECT_EQ(l.precision, "i8") << dump;
      EXPECT_NE(l.implementation, "reference") << dump;
      EXPECT_NE(std::find(l.fused_from.begin(), l.fused_from.end(), "add"), l.fused_from.end())
          << dump;
    }
    EXPECT_EQ(sums, 1) << dump;
    // --dump-graph names the fusion.
    EXPECT_NE(dump.find("QLinearConvSum"), std::string::npos);
    // No float step between the int8 layers: the only DequantizeLinear is the graph output's.
    int dq = 0;
    for (const auto& l : cm.layers()) dq += l.op_type == "DequantizeLinear";
    EXPECT_EQ(dq, 1) << dump;
  }
}

TEST(QdqSum, MatchesModelAsWritten) {
  // As in qdq_test.cpp: the f32 oracle rounds at every QuantizeLinear, the fused conv once; a
  // value on a half step may round apart. The output step is 0.06; allow three.
  for (Residual kind : {Residual::identity, Residual::downsample, Residual::zero_points})
    expect_matches_reference(residual_net(kind), i8_options(), 0.0, 3 * 0.06 + 1e-4);
}

TEST(QdqSum, OneDnnMatchesTheReferenceKernelOfTheFusedOp) {
  // The fused graph run on reference kernels (ops/qlinear_conv_sum.cpp) against oneDNN: they
  // may differ by float rounding on a half step only, one quantum.
  for (Residual kind : {Residual::identity, Residual::downsample, Residual::zero_points}) {
    auto fused = std::make_shared<Graph>(*residual_net(kind));
    fuse_qdq(*fused);
    infer_shapes_and_fold(*fused);
    ASSERT_EQ(fuse_qdq_sum(*fused), 1);
    CompileOptions ref;
    ref.engine = Engine::reference;
    const CompiledModel r = Core().compile_model(wrap_graph(fused), ref);
    const CompiledModel a = Core().compile_model(wrap_graph(residual_net(kind)), i8_options());
    const auto in = random_inputs(a, 3);
    const auto d = compare_tensors(run_model(a, in)[0], run_model(r, in)[0], 0.0, 0.06 + 1e-4);
    EXPECT_TRUE(d.ok) << d.reason << " max_abs=" << d.max_abs;
  }
}

}  // namespace inferlab::test
