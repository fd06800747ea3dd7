// Element-wise activations and math functions on small hand-computed cases.
#include <cmath>
#include <limits>

#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

TEST(Relu, FloatAndInteger) {
  expect_near(run_op("Relu", {{f32({4}, {-2, -0.5f, 0, 3})}}).out[0], {0, 0, 0, 3});
  const auto r = run_op("Relu", {{i32({3}, {-7, 0, 9})}});
  EXPECT_EQ(r.value(0).dtype, DType::i32);
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{0, 0, 9}));
}

TEST(Relu, RejectsBool) {
  Tensor b(DType::boolean, {2});
  EXPECT_THROW(run_op("Relu", {{b}}), Unsupported);
}

TEST(LeakyRelu, AlphaAndDefault) {
  expect_near(run_op("LeakyRelu", {{f32({3}, {-2, 0, 4})}}, attrs({{"alpha", 0.5f}})).out[0],
              {-1, 0, 4});
  expect_near(run_op("LeakyRelu", {{f32({2}, {-100, 1})}}).out[0], {-1, 1});  // alpha 0.01
}

TEST(Sigmoid, Values) {
  const auto r = run_op("Sigmoid", {{f32({4}, {0, 2, -2, -200})}});
  expect_near(r.out[0], {0.5, 1 / (1 + std::exp(-2.0)), 1 / (1 + std::exp(2.0)), 0});
}

TEST(Tanh, Values) {
  expect_near(run_op("Tanh", {{f32({3}, {0, 1, -30})}}).out[0], {0, std::tanh(1.0), -1});
}

TEST(HardSigmoid, AlphaBeta) {
  // max(0, min(1, alpha*x + beta)), defaults alpha 0.2, beta 0.5
  expect_near(run_op("HardSigmoid", {{f32({4}, {-5, -1, 1, 5})}}).out[0], {0, 0.3, 0.7, 1});
  expect_near(
      run_op("HardSigmoid", {{f32({2}, {1, -1})}}, attrs({{"alpha", 0.5f}, {"beta", 0.f}})).out[0],
      {0.5, 0});
}

TEST(HardSwish, Values) {
  // x * max(0, min(1, x/6 + 0.5))
  expect_near(run_op("HardSwish", {{f32({4}, {-4, -3, 1, 4})}}).out[0],
              {0, 0, 1 * (1.0 / 6 + 0.5), 4});
}

TEST(Exp, Values) {
  expect_near(run_op("Exp", {{f32({3}, {0, 1, -1})}}).out[0], {1, std::exp(1.0), std::exp(-1.0)});
}

TEST(Sqrt, ValuesAndNegative) {
  const auto r = run_op("Sqrt", {{f32({3}, {4, 2, -1})}});
  EXPECT_NEAR(r.out[0].at_f64(0), 2, 1e-6);
  EXPECT_NEAR(r.out[0].at_f64(1), std::sqrt(2.0), 1e-6);
  EXPECT_TRUE(std::isnan(r.out[0].at_f64(2)));
}

TEST(Activations, RejectIntegerInput) {
  for (const char* op : {"Sigmoid", "Tanh", "Exp", "Sqrt", "LeakyRelu", "HardSwish"})
    EXPECT_THROW(run_op(op, {{i64({1}, {1})}}), Unsupported) << op;
}

TEST(Clip, AttributesBeforeOpset11) {
  const auto r =
      run_op("Clip", {{f32({4}, {-3, -1, 1, 3})}}, attrs({{"min", -2.f}, {"max", 2.f}}), 6);
  expect_near(r.out[0], {-2, -1, 1, 2});
  // No attributes: no clipping.
  expect_near(run_op("Clip", {{f32({2}, {-1e30f, 1e30f})}}, {}, 6).out[0], {-1e30, 1e30}, 1e25);
}

TEST(Clip, InputsFromOpset11) {
  const Tensor x = f32({4}, {-3, -1, 1, 3});
  expect_near(run_op("Clip", {{x}, {f32({}, {-2})}, {f32({}, {0.5f})}}).out[0], {-2, -1, 0.5, 0.5});
  // min absent (""), max given.
  expect_near(run_op("Clip", {{x}, absent(), {f32({}, {0})}}).out[0], {-3, -1, 0, 0});
  // min only.
  expect_near(run_op("Clip", {{x}, {f32({}, {0})}}).out[0], {0, 0, 1, 3});
  // min > max: everything becomes max.
  expect_near(run_op("Clip", {{x}, {f32({}, {2})}, {f32({}, {1})}}).out[0], {1, 1, 1, 1});
}

TEST(Clip, Integer) {
  const auto r = run_op("Clip", {{i32({3}, {-100, 5, 100})}, {i32({}, {0})}, {i32({}, {10})}});
  EXPECT_EQ(ints(r.out[0]), (std::vector<std::int64_t>{0, 5, 10}));
  Tensor x(DType::i8, {2});
  x.data<std::int8_t>()[0] = -128;
  x.data<std::int8_t>()[1] = 127;
  EXPECT_EQ(ints(run_op("Clip", {{x}}).out[0]), (std::vector<std::int64_t>{-128, 127}));
}

TEST(Clip, BoundTypeMustMatch) {
  EXPECT_THROW(run_op("Clip", {{f32({1}, {1})}, {i32({}, {0})}}), Error);
}
