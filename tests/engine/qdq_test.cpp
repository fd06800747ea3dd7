// QDQ models (QuantizeLinear/DequantizeLinear around float operators, as quantizers write them)
// under precision i8: the fuse_qdq pass turns them into QLinearConv/QLinearAdd, which run int8
// and agree with the model run as written (f32 reference kernels) to a few quantization steps.
#include <gtest/gtest.h>

#include <random>

#include "engine_test_util.h"
#include "passes/passes.h"
#include "passes/shape_inference.h"

namespace inferlab::test {
namespace {

constexpr float kWScale = 0.004f;

// DQ of constant s8 weights [cout, cin, k, k], per output channel (axis 0).
std::string weights(GraphBuilder& b, const std::string& p, std::int64_t cout, std::int64_t cin,
                    std::int64_t k, std::mt19937& rng) {
  Tensor w(DType::i8, {cout, cin, k, k}), s(DType::f32, {cout}), z(DType::i8, {cout});
  std::uniform_int_distribution<int> d(-127, 127);
  for (std::int64_t i = 0; i < w.numel(); ++i)
    w.data<std::int8_t>()[i] = static_cast<std::int8_t>(d(rng));
  for (std::int64_t m = 0; m < cout; ++m) {
    s.data<float>()[m] = kWScale * (1.f + 0.25f * static_cast<float>(m % 3));
    z.data<std::int8_t>()[m] = 0;
  }
  Attributes a;
  a.set("axis", std::int64_t{0});
  return b.node("DequantizeLinear", p + "_wdq",
                {b.constant(p + "_w", w), b.constant(p + "_ws", s), b.constant(p + "_wz", z)}, a);
}

Attributes conv_attrs(std::int64_t k) {
  Attributes a;
  a.set("kernel_shape", std::vector<std::int64_t>{k, k});
  a.set("pads", std::vector<std::int64_t>{k / 2, k / 2, k / 2, k / 2});
  return a;
}

// x -> QDQ -> Conv3x3 (f32 bias) -> Relu -> QDQ(u8, zp 0) -> MaxPool -> Conv1x1 (bias as DQ of
// s32) -> QDQ(s8, zp 0) ; Add(both QDQ tensors) -> Relu -> QDQ -> Conv1x1 -> BatchNormalization
// -> QDQ(s8, zp -3).
// `relu_zp` is the zero point after the first Relu: 0 makes the Relu exact to fold, 10 does not
// (that Conv then stays a float pattern).
std::shared_ptr<Graph> qdq_net(std::int64_t batch, int relu_zp = 0, bool with_bn = true) {
  GraphBuilder b;
  std::mt19937 rng(11);
  auto a = qdq(b, b.input("x", {batch, 8, 10, 10}), "in", 1.f / 64, 128, DType::u8);
  Tensor b1(DType::f32, {16});
  for (std::int64_t m = 0; m < 16; ++m) b1.data<float>()[m] = 0.05f * static_cast<float>(m % 7 - 3);
  auto c1 = b.node("Conv", "conv1", {a, weights(b, "c1", 16, 8, 3, rng), b.constant("b1", b1)},
                   conv_attrs(3));
  auto t1 = qdq(b, b.node("Relu", "relu1", {c1}), "t1", 0.02f, relu_zp, DType::u8);
  Attributes mp = conv_attrs(3);
  mp.set("strides", std::vector<std::int64_t>{1, 1});
  auto p = b.node("MaxPool", "pool", {t1}, mp);
  Tensor b2(DType::i32, {16});
  for (std::int64_t m = 0; m < 16; ++m) b2.data<std::int32_t>()[m] = static_cast<int>(m * 37 - 300);
  Attributes axis0;
  axis0.set("axis", std::int64_t{0});
  Tensor b2s(DType::f32, {16});
  for (std::int64_t m = 0; m < 16; ++m) b2s.data<float>()[m] = 0.02f * kWScale;
  auto bias2 = b.node(
      "DequantizeLinear", "b2_dq",
      {b.constant("b2", b2), b.constant("b2s", b2s), b.constant("b2z", Tensor(DType::i32, {16}))},
      axis0);
  auto c2 = b.node("Conv", "conv2", {p, weights(b, "c2", 16, 16, 1, rng), bias2}, conv_attrs(1));
  auto t2 = qdq(b, c2, "t2", 0.03f, 0, DType::i8);  // s8 + u8 -> u8: a ResNet residual
  auto s = b.node("Relu", "relu_add", {b.node("Add", "add", {t1, t2})});
  auto t3 = qdq(b, s, "t3", 0.04f, 0, DType::u8);
  auto c3 = b.node("Conv", "conv3", {t3, weights(b, "c3", 4, 16, 1, rng)}, conv_attrs(1));
  Tensor gamma(DType::f32, {4}), beta(DType::f32, {4}), mean(DType::f32, {4}), var(DType::f32, {4});
  for (std::int64_t m = 0; m < 4; ++m) {  // channel 1 has a negative gamma
    gamma.data<float>()[m] = m == 1 ? -0.7f : 0.5f + 0.3f * static_cast<float>(m);
    beta.data<float>()[m] = 0.1f * static_cast<float>(m) - 0.1f;
    mean.data<float>()[m] = 0.05f * static_cast<float>(m);
    var.data<float>()[m] = 0.5f + 0.2f * static_cast<float>(m);
  }
  if (!with_bn) {
    b.output(qdq(b, c3, "out", 0.05f, -3, DType::i8));
    return b.graph();
  }
  auto bn = b.node("BatchNormalization", "bn3",
                   {c3, b.constant("g3", gamma), b.constant("be3", beta), b.constant("m3", mean),
                    b.constant("v3", var)});
  b.output(qdq(b, bn, "out", 0.05f, -3, DType::i8));
  return b.graph();
}

TEST(Qdq, PassRewritesConvAddReluAndPooling) {
  Graph g = *qdq_net(1);
  EXPECT_EQ(fuse_qdq(g), 4);  // three Conv, one Add
  eliminate_dead_nodes(g);
  EXPECT_EQ(count_op(g, "Relu"), 0);
  EXPECT_EQ(count_op(g, "QLinearConv"), 3);
  EXPECT_EQ(count_op(g, "QLinearAdd"), 1);
  EXPECT_EQ(count_op(g, "Conv"), 0);
  EXPECT_EQ(count_op(g, "Add"), 0);
  EXPECT_EQ(count_op(g, "BatchNormalization"), 0);
  for (const auto& n : g.nodes) {
    if (n.op_type == "MaxPool") {  // reads the quantized tensor, DequantizeLinear moved after
      const std::ptrdiff_t p = g.producer(n.inputs[0]);
      ASSERT_GE(p, 0);
      EXPECT_NE(g.nodes[static_cast<std::size_t>(p)].op_type, "DequantizeLinear");
    }
    if (n.op_type == "QLinearConv" && n.name == "conv1") {
      ASSERT_EQ(n.inputs.size(), 9u);  // bias quantized to s32
      const auto& fused = n.fused_from;
      EXPECT_NE(std::find(fused.begin(), fused.end(), "relu1"), fused.end());
    }
    if (n.op_type == "QLinearConv" && n.name == "conv3") {
      const auto& fused = n.fused_from;
      EXPECT_NE(std::find(fused.begin(), fused.end(), "bn3"), fused.end());
    }
  }
}

TEST(Qdq, FusedModelRunsInt8OnOneDnn) {
  const CompiledModel cm = Core().compile_model(wrap_graph(qdq_net(1)), i8_options());
  int convs = 0, adds = 0;
  for (const auto& l : cm.layers()) {
    if (l.op_type == "QLinearConv" || l.op_type == "QLinearConvSum") {
      ++convs;
      EXPECT_EQ(l.precision, "i8") << l.name;
      EXPECT_NE(l.implementation, "reference") << l.name << "\n" << cm.dump_graph();
    }
    // The residual add (mixed s8/u8 inputs) is conv2's int8 sum post-op (qdq_sum_test.cpp).
    if (l.op_type == "QLinearConvSum") {
      ++adds;
      EXPECT_EQ(l.precision, "i8");
      EXPECT_NE(l.implementation, "reference") << cm.dump_graph();
    }
    if (l.op_type == "MaxPool") {
      EXPECT_EQ(l.precision, "i8") << cm.dump_graph();
    }
    EXPECT_NE(l.op_type, "Conv") << cm.dump_graph();
  }
  EXPECT_EQ(convs, 3);
  EXPECT_EQ(adds, 1);
}

TEST(Qdq, FusedModelMatchesModelAsWritten) {
  // The f32 oracle rounds at every QuantizeLinear after float arithmetic, the int8 path after
  // exact integer sums: a value on a half step may round apart, and one step can propagate one
  // layer further. The last step is 0.05; allow three.
  expect_matches_reference(qdq_net(1, 0, false), i8_options(1), 0.0, 0.1501);
  for (std::int64_t batch : {1, 2})
    expect_matches_reference(qdq_net(batch), i8_options(batch), 0.0, 0.1501);
}

TEST(Qdq, PassDoesNotRunForF32) {
  CompileOptions o = i8_options();
  o.precision = Precision::f32;
  const CompiledModel cm = Core().compile_model(wrap_graph(qdq_net(1)), o);
  for (const auto& l : cm.layers()) EXPECT_NE(l.op_type, "QLinearConv");
}

TEST(Qdq, UnfusablePatternRunsF32AndIsReported) {
  // Relu -> Q with zero point 10 clamps at 10 * 0.02, not at 0: dropping the Relu would change
  // results, so conv1 stays a float Conv while the rest runs int8.
  Graph g = *qdq_net(1, 10);
  EXPECT_EQ(fuse_qdq(g), 3);
  const CompiledModel cm = Core().compile_model(wrap_graph(qdq_net(1, 10)), i8_options());
  bool float_conv = false;
  for (const auto& l : cm.layers())
    if (l.op_type == "Conv") {
      float_conv = true;
      EXPECT_EQ(l.precision, "f32");
    }
  EXPECT_TRUE(float_conv) << cm.dump_graph();
  EXPECT_NE(cm.dump_graph().find("precision=f32"), std::string::npos);
  EXPECT_NE(cm.precision_summary().find("f32"), std::string::npos) << cm.precision_summary();
  expect_matches_reference(qdq_net(1, 10), i8_options(), 0.0, 0.1501);
}

TEST(Qdq, NothingFusedRefusesI8) {
  // Float weights (no DequantizeLinear): nothing can run int8, so an i8 label would be a lie.
  GraphBuilder b;
  auto a = qdq(b, b.input("x", {1, 4, 6, 6}), "in", 1.f / 64, 128, DType::u8);
  b.output(b.node("Conv", "conv", {a, b.weight("w", {4, 4, 3, 3})}, conv_attrs(3)));
  try {
    Core().compile_model(wrap_graph(b.graph()), i8_options());
    FAIL() << "i8 compiled with no int8 layer";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no convolution, matrix product or addition"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace inferlab::test
