// Int8 on the optimized engine: QLinearConv as a oneDNN int8 convolution (u8 source with a zero
// point, per-channel s8 weights, s32 bias, requantized u8 output with a zero point) agrees with
// the reference kernel to one quantization step, and precision i8 is checked.
#include <gtest/gtest.h>

#include <random>

#include "engine_test_util.h"

namespace inferlab::test {
namespace {

Tensor scalar_f32(float v) {
  Tensor t(DType::f32, {});
  t.data<float>()[0] = v;
  return t;
}

Tensor scalar_u8(std::uint8_t v) {
  Tensor t(DType::u8, {});
  t.data<std::uint8_t>()[0] = v;
  return t;
}

struct QConv {
  std::int64_t cin, cout, k, stride, group;
};

// QuantizeLinear -> QLinearConv (3x3, padded) -> MaxPool (u8) -> QLinearConv (depthwise) ->
// QLinearConv (1x1) -> DequantizeLinear. Zero points are non-zero on purpose (padding must count as
// the zero point), weights per output channel.
std::shared_ptr<Graph> qconv_net(std::int64_t batch) {
  GraphBuilder b;
  std::mt19937 rng(5);
  auto x = b.input("x", {batch, 8, 10, 10});
  auto q = b.node("QuantizeLinear", "q",
                  {x, b.constant("xs", scalar_f32(1.f / 128)), b.constant("xz", scalar_u8(100))});
  const std::vector<QConv> layers = {{8, 16, 3, 1, 1}, {16, 16, 3, 2, 16}, {16, 32, 1, 1, 1}};
  float in_scale = 1.f / 128;
  std::uint8_t in_zp = 100;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const QConv& c = layers[l];
    const std::string p = "qc" + std::to_string(l);
    Tensor w(DType::i8, {c.cout, c.cin / c.group, c.k, c.k});
    std::uniform_int_distribution<int> wd(-127, 127), bd(-2000, 2000);
    for (std::int64_t i = 0; i < w.numel(); ++i)
      w.data<std::int8_t>()[i] = static_cast<std::int8_t>(wd(rng));
    Tensor ws(DType::f32, {c.cout}), wz(DType::i8, {c.cout}), bias(DType::i32, {c.cout});
    for (std::int64_t m = 0; m < c.cout; ++m) {
      ws.data<float>()[m] = 0.002f + 0.0005f * static_cast<float>(m % 5);
      wz.data<std::int8_t>()[m] = 0;
      bias.data<std::int32_t>()[m] = bd(rng);
    }
    Attributes a;
    a.set("kernel_shape", std::vector<std::int64_t>{c.k, c.k});
    a.set("strides", std::vector<std::int64_t>{c.stride, c.stride});
    const std::int64_t pad = c.k / 2;
    a.set("pads", std::vector<std::int64_t>{pad, pad, pad, pad});
    a.set("group", c.group);
    const float out_scale = 0.05f;
    const std::uint8_t out_zp = static_cast<std::uint8_t>(20 + 10 * l);
    q = b.node(
        "QLinearConv", p,
        {q, b.constant(p + "_xs", scalar_f32(in_scale)), b.constant(p + "_xz", scalar_u8(in_zp)),
         b.constant(p + "_w", w), b.constant(p + "_ws", ws), b.constant(p + "_wz", wz),
         b.constant(p + "_ys", scalar_f32(out_scale)), b.constant(p + "_yz", scalar_u8(out_zp)),
         b.constant(p + "_b", bias)},
        a);
    in_scale = out_scale;
    in_zp = out_zp;
    if (l == 0) {  // u8 max pooling between int8 convolutions
      Attributes mp;
      mp.set("kernel_shape", std::vector<std::int64_t>{2, 2});
      mp.set("strides", std::vector<std::int64_t>{1, 1});
      q = b.node("MaxPool", "pool", {q}, mp);
    }
  }
  b.output(b.node("DequantizeLinear", "dq",
                  {q, b.constant("ys", scalar_f32(in_scale)), b.constant("yz", scalar_u8(in_zp))}));
  return b.graph();
}

TEST(Int8, QLinearConvRunsAsOneDnnInt8) {
  Core core;
  CompileOptions o;
  o.threads_per_stream = 1;
  const CompiledModel cm = core.compile_model(wrap_graph(qconv_net(1)), o);
  int int8_layers = 0;
  for (const auto& l : cm.layers()) {
    if (l.op_type != "QLinearConv") continue;
    EXPECT_EQ(l.precision, "i8") << l.name;
    EXPECT_NE(l.implementation, "reference") << l.name << "\n" << cm.dump_graph();
    ++int8_layers;
  }
  EXPECT_EQ(int8_layers, 3);
  for (const auto& l : cm.layers()) {
    if (l.op_type != "MaxPool") continue;
    EXPECT_EQ(l.precision, "i8");
    EXPECT_NE(l.implementation, "reference") << cm.dump_graph();
  }
}

TEST(Int8, QLinearConvMatchesReference) {
  // One output step (0.05) of the last layer: oneDNN and the reference kernel may round a
  // value sitting on a half step differently after float scaling; earlier layers' steps can
  // propagate, so allow two.
  for (std::int64_t batch : {1, 3}) {
    CompileOptions o;
    o.batch = batch;
    o.threads_per_stream = 1;
    expect_matches_reference(qconv_net(batch), o, 0.0, 0.1001);
  }
}

TEST(Int8, DequantizeOnOneDnnIsBitwiseExact) {
  // QuantizeLinear (reference kernel) -> DequantizeLinear (oneDNN reorder with scale and zero
  // point): the same float product as the reference kernel, so equal bit for bit.
  GraphBuilder b;
  auto x = b.input("x", {2, 5, 7, 3});
  auto q = b.node("QuantizeLinear", "q",
                  {x, b.constant("s", scalar_f32(0.0123f)), b.constant("z", scalar_u8(77))});
  b.output(b.node("DequantizeLinear", "dq",
                  {q, b.constant("s2", scalar_f32(0.0123f)), b.constant("z2", scalar_u8(77))}));
  CompileOptions o;
  o.threads_per_stream = 1;
  const CompiledModel cm = Core().compile_model(wrap_graph(b.graph()), o);
  for (const auto& l : cm.layers()) {
    if (l.op_type == "DequantizeLinear") {
      EXPECT_NE(l.implementation, "reference");
    }
  }
  expect_matches_reference(b.graph(), o, 0.0, 0.0);
}

TEST(Int8, QLinearMatMulOnOneDnnMatchesReference) {
  // ShuffleNet's classifier: u8 activations with a zero point, s8 weights, u8 output with a
  // zero point. Integer sums are exact; allow one output step for a tie rounded apart.
  GraphBuilder b;
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> wd(-127, 127);
  Tensor w(DType::i8, {64, 10});
  for (std::int64_t i = 0; i < w.numel(); ++i)
    w.data<std::int8_t>()[i] = static_cast<std::int8_t>(wd(rng));
  Tensor wz(DType::i8, {});
  wz.data<std::int8_t>()[0] = 0;
  auto x = b.input("x", {3, 64});
  auto q = b.node("QuantizeLinear", "q",
                  {x, b.constant("xs", scalar_f32(1.f / 200)), b.constant("xz", scalar_u8(90))});
  auto mm = b.node("QLinearMatMul", "mm",
                   {q, b.constant("as", scalar_f32(1.f / 200)), b.constant("az", scalar_u8(90)),
                    b.constant("w", w), b.constant("ws", scalar_f32(0.003f)), b.constant("wz", wz),
                    b.constant("ys", scalar_f32(0.02f)), b.constant("yz", scalar_u8(49))});
  b.output(b.node("DequantizeLinear", "dq",
                  {mm, b.constant("s2", scalar_f32(0.02f)), b.constant("z2", scalar_u8(49))}));
  CompileOptions o;
  o.threads_per_stream = 1;
  const CompiledModel cm = Core().compile_model(wrap_graph(b.graph()), o);
  for (const auto& l : cm.layers()) {
    if (l.op_type == "QLinearMatMul") {
      EXPECT_NE(l.implementation, "reference") << cm.dump_graph();
      EXPECT_EQ(l.precision, "i8");
    }
  }
  expect_matches_reference(b.graph(), o, 0.0, 0.0201);
}

TEST(Int8, PrecisionI8AcceptsQuantizedModel) {
  Core core;
  CompileOptions o;
  o.threads_per_stream = 1;
  o.precision = Precision::i8;
  const CompiledModel cm = core.compile_model(wrap_graph(qconv_net(1)), o);
  EXPECT_NE(cm.precision_summary().find("i8: 4 layers"), std::string::npos)
      << cm.precision_summary();
}

}  // namespace
}  // namespace inferlab::test
