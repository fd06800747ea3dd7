// ConvInteger, MatMulInteger, QLinearConv, QLinearMatMul, QLinearAdd: hand-computed cases, and
// the requantizing ops checked against the float reference kernels on dequantized values
// (quantize(float_op(dequantize(x), dequantize(w))) within one step, since the float sum rounds).
#include <functional>
#include <random>

#include "ir/error.h"
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

namespace {
template <typename T>
Tensor random_q(Shape s, unsigned seed) {
  Tensor t(dtype_of<T>(), std::move(s));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(std::numeric_limits<T>::min(),
                                       std::numeric_limits<T>::max());
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<T>()[i] = static_cast<T>(d(rng));
  return t;
}
Tensor dequant(const Tensor& q, const std::vector<float>& scale, const std::vector<int>& zp,
               std::int64_t inner) {
  Tensor f(DType::f32, q.shape());
  for (std::int64_t i = 0; i < q.numel(); ++i) {
    const std::size_t c =
        scale.size() == 1 ? 0 : static_cast<std::size_t>((i / inner) % scale.size());
    f.data<float>()[i] = static_cast<float>(q.at_i64(i) - zp[c]) * scale[c];
  }
  return f;
}
// Every element of `q` within one quantization step of quantize(f, scale, zp), saturated to u8.
void expect_requantized(const Tensor& q, const Tensor& f, float scale, int zp) {
  ASSERT_EQ(q.numel(), f.numel());
  for (std::int64_t i = 0; i < q.numel(); ++i) {
    const double want = std::clamp(std::nearbyint(f.at_f64(i) / scale) + zp, 0.0, 255.0);
    EXPECT_NEAR(static_cast<double>(q.at_i64(i)), want, 1.0) << "element " << i;
  }
}
}  // namespace

TEST(ConvInteger, SubtractsZeroPointsBeforeMultiplying) {
  // x 3x3 = 2..10 with zero point 1 -> 1..9; 2x2 kernel of (w - 1) = 1: window sums.
  const auto r = run_op("ConvInteger", {{u8({1, 1, 3, 3}, {2, 3, 4, 5, 6, 7, 8, 9, 10})},
                                        cst(u8({1, 1, 2, 2}, {2, 2, 2, 2})),
                                        cst(u8({}, {1})),
                                        cst(u8({}, {1}))});
  EXPECT_EQ(r.value(0).dtype, DType::i32);
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{12, 16, 24, 28}));
}

TEST(ConvInteger, PerChannelWeightZeroPointsAndPadding) {
  const auto r = run_op("ConvInteger",
                        {{u8({1, 1, 2, 2}, {1, 2, 3, 4})},
                         cst(s8({2, 1, 1, 1}, {3, 3})),
                         absent(),
                         cst(s8({2}, {1, 5}))},
                        attrs({{"pads", std::vector<std::int64_t>{1, 0, 0, 0}}}));
  // Channel 0 multiplies by 2, channel 1 by -2; the padded row is 0.
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{0, 0, 2, 4, 6, 8, 0, 0, -2, -4, -6, -8}));
}

TEST(MatMulInteger, PerRowAndPerColumnZeroPoints) {
  // A - [1, 2] per row = [[1, 1], [1, 1]]; B - [0, 1] per column = [[1, 1], [2, 2]].
  const auto r = run_op("MatMulInteger", {{u8({2, 2}, {2, 2, 3, 3})},
                                          cst(u8({2, 2}, {1, 2, 2, 3})),
                                          cst(u8({2}, {1, 2})),
                                          cst(u8({2}, {0, 1}))});
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{3, 3, 3, 3}));
}

TEST(QLinearConv, MatchesFloatConvOnDequantizedValues) {
  const Tensor x = random_q<std::uint8_t>({1, 4, 5, 5}, 1);
  const Tensor w = random_q<std::int8_t>({6, 2, 3, 3}, 2);
  const std::vector<float> ws{0.01f, 0.02f, 0.005f, 0.03f, 0.01f, 0.015f};
  const Tensor b = i32({6}, {100, -200, 0, 5000, -7, 1});
  const auto q =
      run_op("QLinearConv",
             {{x},
              cst(scalar(0.05f)),
              cst(u8({}, {120})),
              cst(w),
              cst(f32({6}, ws)),
              cst(s8({6}, {0, 0, 0, 0, 0, 0})),
              cst(scalar(0.4f)),
              cst(u8({}, {128})),
              cst(b)},
             attrs({{"group", std::int64_t{2}}, {"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}));
  std::vector<float> bias_f(6);
  for (int m = 0; m < 6; ++m)
    bias_f[m] = static_cast<float>(b.data<std::int32_t>()[m]) * 0.05f * ws[m];
  const auto f =
      run_op("Conv",
             {{dequant(x, {0.05f}, {120}, 1)},
              cst(dequant(w, ws, {0, 0, 0, 0, 0, 0}, 18)),
              cst(f32({6}, bias_f))},
             attrs({{"group", std::int64_t{2}}, {"pads", std::vector<std::int64_t>{1, 1, 1, 1}}}));
  EXPECT_EQ(q.value(0).shape, (Shape{1, 6, 5, 5}));
  expect_requantized(q.out[0], f.out[0], 0.4f, 128);
}

TEST(QLinearMatMul, MatchesFloatMatMulPerColumn) {
  const Tensor a = random_q<std::uint8_t>({2, 3, 8}, 3);
  const Tensor b = random_q<std::int8_t>({8, 4}, 4);
  const std::vector<float> bs{0.01f, 0.02f, 0.03f, 0.04f};
  const auto q = run_op("QLinearMatMul", {{a},
                                          cst(scalar(0.02f)),
                                          cst(u8({}, {100})),
                                          cst(b),
                                          cst(f32({4}, bs)),
                                          cst(s8({4}, {0, 1, -1, 0})),
                                          cst(scalar(0.5f)),
                                          cst(u8({}, {128}))});
  const auto f =
      run_op("MatMul", {{dequant(a, {0.02f}, {100}, 1)}, cst(dequant(b, bs, {0, 1, -1, 0}, 1))});
  EXPECT_EQ(q.value(0).shape, (Shape{2, 3, 4}));
  expect_requantized(q.out[0], f.out[0], 0.5f, 128);
}

TEST(QLinearAdd, BroadcastsAndRequantizes) {
  // (A - 10) * 0.5 + (B - 0) * 0.25, quantized with scale 0.5 and zero point 100.
  const auto r = run_op("com.microsoft.QLinearAdd", {{u8({2, 2}, {10, 12, 14, 16})},
                                                     cst(scalar(0.5f)),
                                                     cst(u8({}, {10})),
                                                     {u8({2}, {2, 6})},
                                                     cst(scalar(0.25f)),
                                                     cst(u8({}, {0})),
                                                     cst(scalar(0.5f)),
                                                     cst(u8({}, {100}))});
  // Values: 0+0.5, 1+1.5, 2+0.5, 3+1.5 -> /0.5 = 1, 5, 5, 9 -> +100.
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{101, 105, 105, 109}));
}

TEST(QLinearConv, RejectsWeightScalesNotMatchingOutputChannels) {
  try {
    run_op("QLinearConv", {{u8({1, 1, 2, 2}, {1, 2, 3, 4})},
                           cst(scalar(1.f)),
                           cst(u8({}, {0})),
                           cst(s8({2, 1, 1, 1}, {1, 1})),
                           cst(f32({3}, {1, 1, 1})),
                           cst(s8({3}, {0, 0, 0})),
                           cst(scalar(1.f)),
                           cst(u8({}, {0}))});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("axis 0 of the quantized tensor 2x1x1x1 has 2 entries"),
              std::string::npos)
        << e.what();
  }
}

TEST(MatMulIntegerToFloat, ScalesTheIntegerProductAndAddsTheBias) {
  // A - 1 = [2, 4]; B = [[1, -1], [2, 3]]: acc = [10, 10]; scales 0.5 * [0.1, 0.2]; bias [1, -1].
  const auto r = run_op("com.microsoft.MatMulIntegerToFloat", {{u8({1, 2}, {3, 5})},
                                                               cst(s8({2, 2}, {1, -1, 2, 3})),
                                                               cst(scalar(0.5f)),
                                                               cst(f32({2}, {0.1f, 0.2f})),
                                                               cst(u8({}, {1})),
                                                               {},
                                                               cst(f32({2}, {1, -1}))});
  EXPECT_EQ(r.value(0).dtype, DType::f32);
  expect_near(r.out[0], {1.5, 0.0});
}

TEST(MatMulIntegerToFloat, RejectsBiasOfTheWrongLengthAndOneDimensionalB) {
  const std::string bias = error_of([] {
    run_op("com.microsoft.MatMulIntegerToFloat", {{u8({1, 2}, {3, 5})},
                                                  cst(s8({2, 2}, {1, -1, 2, 3})),
                                                  cst(scalar(0.5f)),
                                                  cst(scalar(0.1f)),
                                                  {},
                                                  {},
                                                  cst(f32({3}, {1, 2, 3}))});
  });
  EXPECT_NE(bias.find("must be f32 of shape [2]"), std::string::npos) << bias;
  const std::string one_d = error_of([] {
    run_op("com.microsoft.MatMulIntegerToFloat",
           {{u8({1, 2}, {3, 5})}, cst(s8({2}, {1, -1})), cst(scalar(0.5f)), cst(scalar(0.1f))});
  });
  EXPECT_NE(one_d.find("only a 2-D or batched B"), std::string::npos) << one_d;
}
