// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear: the ONNX rounding rule (half to even,
// then saturation), per-tensor and per-axis parameters, opset 10 vs 13, and bad parameters.
#include <cmath>
#include <limits>
#include <random>

#include "ir/error.h"
#include "ops/quant_util.h"
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

TEST(QuantizeLinear, RoundsHalfToEvenThenSaturatesUint8) {
  const auto r =
      run_op("QuantizeLinear", {{f32({8}, {0.5f, 1.5f, 2.5f, -0.5f, 2.49f, 253.5f, 300.f, -3.f})},
                                cst(scalar(1.f)),
                                cst(u8({}, {2}))});
  EXPECT_EQ(r.value(0).dtype, DType::u8);
  // round(x) + 2: 0+2, 2+2, 2+2, -0+2, 2+2, 254+2 -> 255 saturated, 255, -3+2 -> 0.
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{2, 4, 4, 2, 4, 255, 255, 0}));
}

// The per-tensor f32 path is the vectorised ops::quantize_span, not round_saturate itself:
// every value must still come out as round_saturate(x / scale, zp) says. Halfway points
// across and beyond each range, random values, infinities, NaN, denormals and huge values.
TEST(QuantizeLinear, PerTensorFastPathMatchesTheRoundingRule) {
  std::vector<float> x;
  for (int k = -600; k <= 600; ++k) {
    x.push_back(static_cast<float>(k) * 0.5f);
    x.push_back(std::nextafter(static_cast<float>(k) * 0.5f, 1e9f));
    x.push_back(std::nextafter(static_cast<float>(k) * 0.5f, -1e9f));
  }
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-400.f, 400.f);
  for (int i = 0; i < 4000; ++i) x.push_back(d(rng));
  const float inf = std::numeric_limits<float>::infinity();
  for (float v : {inf, -inf, std::numeric_limits<float>::quiet_NaN(), 1e-42f, -1e-42f, 3e38f,
                  -3e38f, 8388608.5f, 16777217.f, -0.f})
    x.push_back(v);
  const auto n = static_cast<std::int64_t>(x.size());
  for (float scale : {1.f, 0.5f, 0.0207874f, 3.7f}) {
    for (int zp : {0, 3, 128, 255}) {
      const auto r =
          run_op("QuantizeLinear",
                 {{f32({n}, x)}, cst(scalar(scale)), cst(u8({}, {static_cast<std::uint8_t>(zp)}))});
      const auto got = ints(r.out[0]);
      for (std::size_t i = 0; i < x.size(); ++i)
        ASSERT_EQ(got[i], ops::round_saturate(x[i] / scale, zp, 0, 255))
            << "u8 x=" << x[i] << " scale=" << scale << " zp=" << zp;
    }
    for (int zp : {0, -5, -128, 127}) {
      const auto r =
          run_op("QuantizeLinear",
                 {{f32({n}, x)}, cst(scalar(scale)), cst(s8({}, {static_cast<std::int8_t>(zp)}))});
      const auto got = ints(r.out[0]);
      for (std::size_t i = 0; i < x.size(); ++i)
        ASSERT_EQ(got[i], ops::round_saturate(x[i] / scale, zp, -128, 127))
            << "s8 x=" << x[i] << " scale=" << scale << " zp=" << zp;
    }
  }
}

TEST(QuantizeLinear, Int8ZeroPointAndScale) {
  const auto r =
      run_op("QuantizeLinear",
             {{f32({5}, {1.f, -1.f, 3.f, -300.f, 300.f})}, cst(scalar(2.f)), cst(s8({}, {-1}))});
  EXPECT_EQ(r.value(0).dtype, DType::i8);
  // x/2 = 0.5 -> 0, -0.5 -> -0, 1.5 -> 2; then -1; saturate to [-128, 127].
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{-1, -1, 1, -128, 127}));
}

TEST(QuantizeLinear, DefaultsToUint8WithoutZeroPoint) {
  const auto r = run_op("QuantizeLinear", {{f32({2}, {-1.f, 3.f})}, cst(scalar(1.f))});
  EXPECT_EQ(r.value(0).dtype, DType::u8);
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{0, 3}));
}

TEST(QuantizeLinear, PerAxisUsesEachChannelsScale) {
  // Shape 1x2x2, axis 1: channel 0 scale 1 zp 0, channel 1 scale 2 zp 10.
  const auto r =
      run_op("QuantizeLinear",
             {{f32({1, 2, 2}, {1, 2, 4, 6})}, cst(f32({2}, {1, 2})), cst(u8({2}, {0, 10}))});
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{1, 2, 12, 13}));
  const auto last = run_op(
      "QuantizeLinear", {{f32({2, 2}, {1, 2, 4, 6})}, cst(f32({2}, {1, 2})), cst(u8({2}, {0, 10}))},
      attrs({{"axis", std::int64_t{-1}}}));
  EXPECT_EQ(ints(last.out[0]), (std::vector<std::int64_t>{1, 11, 4, 13}));
}

TEST(QuantizeLinear, Opset10RefusesPerAxisScales) {
  const std::string e = error_of([] {
    run_op("QuantizeLinear", {{f32({1, 2}, {1, 2})}, cst(f32({2}, {1, 2}))}, {}, 10);
  });
  EXPECT_NE(e.find("must be a scalar"), std::string::npos) << e;
}

TEST(QuantizeLinear, BadScalesNameTheNodeAndTheValue) {
  for (float bad : {0.f, -1.f, std::nanf(""), INFINITY}) {
    const std::string e = error_of([&] {
      run_op("QuantizeLinear", {{f32({1}, {1})}, cst(scalar(bad)), cst(u8({}, {0}))});
    });
    EXPECT_NE(e.find("node 'n' (QuantizeLinear)"), std::string::npos) << e;
    EXPECT_NE(e.find("is not a positive finite number"), std::string::npos) << e;
  }
}

TEST(QuantizeLinear, PerAxisLengthMustMatchTheAxis) {
  const std::string e = error_of([] {
    run_op("QuantizeLinear",
           {{f32({1, 3}, {1, 2, 3})}, cst(f32({2}, {1, 2})), cst(u8({2}, {0, 0}))});
  });
  EXPECT_NE(e.find("axis 1 of the quantized tensor 1x3 has 3 entries"), std::string::npos) << e;
}

TEST(DequantizeLinear, PerTensorAndPerAxis) {
  const auto r =
      run_op("DequantizeLinear", {{u8({3}, {0, 10, 255})}, cst(scalar(0.5f)), cst(u8({}, {10}))});
  EXPECT_EQ(r.value(0).dtype, DType::f32);
  expect_near(r.out[0], {-5, 0, 122.5});
  const auto a =
      run_op("DequantizeLinear",
             {{s8({2, 2}, {-1, 1, -1, 1})}, cst(f32({2}, {1, 3})), cst(s8({2}, {1, -1}))},
             attrs({{"axis", std::int64_t{0}}}));
  expect_near(a.out[0], {-2, 0, 0, 6});
}

TEST(DequantizeLinear, Int32NeedsZeroZeroPoint) {
  const auto r = run_op("DequantizeLinear", {{i32({2}, {-7, 100})}, cst(scalar(0.5f))});
  expect_near(r.out[0], {-3.5, 50});
  const std::string e = error_of([] {
    run_op("DequantizeLinear", {{i32({1}, {1})}, cst(scalar(1.f)), cst(i32({}, {3}))});
  });
  EXPECT_NE(e.find("zero point 'x2'[0] = 3 is out of range [0, 0]"), std::string::npos) << e;
}

TEST(DequantizeLinear, ZeroPointTypeMustMatchTheInput) {
  const std::string e = error_of([] {
    run_op("DequantizeLinear", {{u8({1}, {1})}, cst(scalar(1.f)), cst(s8({}, {-3}))});
  });
  EXPECT_NE(e.find("has type i8, but the quantized tensor is u8"), std::string::npos) << e;
}

TEST(DynamicQuantizeLinear, RangeIncludesZero) {
  // Range [0, 2.55]: scale 0.01, zero point 0.
  const auto r =
      run_op("DynamicQuantizeLinear", {{f32({3}, {0.5f, 1.f, 2.55f})}}, {}, 11, {"y", "s", "z"});
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{50, 100, 255}));
  EXPECT_NEAR(r.out[1].at_f64(0), 0.01, 1e-7);
  EXPECT_EQ(r.out[2].at_i64(0), 0);
  // Range [-1, 1.55]: scale 0.01, zero point round(100) = 100.
  const auto n =
      run_op("DynamicQuantizeLinear", {{f32({2}, {-1.f, 1.55f})}}, {}, 11, {"y", "s", "z"});
  EXPECT_EQ(n.out[2].at_i64(0), 100);
  EXPECT_EQ(ints(n.out[0]), (std::vector<std::int64_t>{0, 255}));
}
