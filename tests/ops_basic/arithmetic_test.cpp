// Add, Sub, Mul, Div, Pow (numpy broadcasting, float and integer) and PRelu.
#include <limits>

#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

TEST(Add, SameShapeAndBroadcast) {
  expect_near(run_op("Add", {{f32({2}, {1, 2})}, {f32({2}, {10, 20})}}).out[0], {11, 22});
  // [2,3] + [3]
  const auto r = run_op("Add", {{f32({2, 3}, {0, 1, 2, 3, 4, 5})}, {f32({3}, {10, 20, 30})}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  expect_near(r.out[0], {10, 21, 32, 13, 24, 35});
}

TEST(Mul, TwoWayBroadcast) {
  // [2,1] * [1,3] -> [2,3]
  const auto r = run_op("Mul", {{f32({2, 1}, {2, 3})}, {f32({1, 3}, {1, 10, 100})}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  expect_near(r.out[0], {2, 20, 200, 3, 30, 300});
  // scalar * [2]
  expect_near(run_op("Mul", {{f32({}, {3})}, {f32({2}, {1, 2})}}).out[0], {3, 6});
}

TEST(Sub, BroadcastOnLeft) {
  const auto r = run_op("Sub", {{f32({3}, {1, 2, 3})}, {f32({2, 1}, {1, 10})}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  expect_near(r.out[0], {0, 1, 2, -9, -8, -7});
}

TEST(Div, Float) {
  expect_near(run_op("Div", {{f32({2}, {1, -3})}, {f32({2}, {4, 2})}}).out[0], {0.25, -1.5});
}

TEST(Arithmetic, Int64ForShapeGraphs) {
  EXPECT_EQ(ints(run_op("Add", {{i64({2}, {3, 4})}, {i64({}, {1})}}).out[0]), (V{4, 5}));
  EXPECT_EQ(ints(run_op("Sub", {{i64({2}, {3, 4})}, {i64({}, {5})}}).out[0]), (V{-2, -1}));
  EXPECT_EQ(ints(run_op("Mul", {{i64({2}, {3, 4})}, {i64({1}, {6})}}).out[0]), (V{18, 24}));
  // Integer division truncates toward zero.
  EXPECT_EQ(ints(run_op("Div", {{i64({3}, {7, -7, 6})}, {i64({}, {2})}}).out[0]), (V{3, -3, 3}));
  const auto r = run_op("Div", {{i32({2}, {9, -9})}, {i32({2}, {4, 4})}});
  EXPECT_EQ(r.value(0).dtype, DType::i32);
  EXPECT_EQ(ints(r.out[0]), (V{2, -2}));
}

TEST(Arithmetic, IntegerOverflowWraps) {
  constexpr auto max = std::numeric_limits<std::int64_t>::max();
  constexpr auto min = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(ints(run_op("Add", {{i64({1}, {max})}, {i64({1}, {1})}}).out[0]), (V{min}));
  EXPECT_EQ(ints(run_op("Div", {{i64({1}, {min})}, {i64({1}, {-1})}}).out[0]), (V{min}));
  Tensor a(DType::u8, {1}), b(DType::u8, {1});
  a.data<std::uint8_t>()[0] = 250;
  b.data<std::uint8_t>()[0] = 10;
  EXPECT_EQ(ints(run_op("Add", {{a}, {b}}).out[0]), (V{4}));
  EXPECT_EQ(ints(run_op("Sub", {{b}, {a}}).out[0]), (V{16}));
}

TEST(Arithmetic, Errors) {
  EXPECT_THROW(run_op("Div", {{i32({1}, {1})}, {i32({1}, {0})}}), Error);  // division by zero
  EXPECT_THROW(run_op("Add", {{f32({1}, {1})}, {i64({1}, {1})}}), Error);  // mixed types
  EXPECT_THROW(run_op("Add", {{f32({2}, {1, 2})}, {f32({3}, {1, 2, 3})}}), Error);  // shapes
  Tensor b(DType::boolean, {1});
  EXPECT_THROW(run_op("Mul", {{b}, {b}}), Unsupported);
}

TEST(Pow, FloatAndBroadcast) {
  expect_near(run_op("Pow", {{f32({3}, {2, 4, 9})}, {f32({}, {0.5f})}}).out[0],
              {std::sqrt(2.0), 2, 3});
  expect_near(run_op("Pow", {{f32({2, 2}, {1, 2, 3, 4})}, {f32({2}, {2, 3})}}).out[0],
              {1, 8, 9, 64});
}

TEST(Pow, MixedTypes) {
  // Result has the base's type.
  const auto a = run_op("Pow", {{f32({2}, {2, 3})}, {i64({2}, {3, -1})}});
  EXPECT_EQ(a.value(0).dtype, DType::f32);
  expect_near(a.out[0], {8, 1.0 / 3});
  const auto b = run_op("Pow", {{i32({2}, {4, 9})}, {f32({}, {0.5f})}});
  EXPECT_EQ(b.value(0).dtype, DType::i32);
  EXPECT_EQ(ints(b.out[0]), (V{2, 3}));
}

TEST(Pow, Int64IsExact) {
  // 3^39 = 4052555153018976267 is beyond double precision (2^53).
  const auto r = run_op("Pow", {{i64({2}, {3, -2})}, {i64({2}, {39, 3})}});
  EXPECT_EQ(ints(r.out[0]), (V{4052555153018976267LL, -8}));
}

TEST(PRelu, SlopeBroadcast) {
  // x [2,3], slope [3] (per last axis)
  const auto r =
      run_op("PRelu", {{f32({2, 3}, {-1, -1, -1, 1, -2, 2})}, {f32({3}, {0.1f, 0.2f, 0.3f})}});
  expect_near(r.out[0], {-0.1, -0.2, -0.3, 1, -0.4, 2});
  // Channel slope [C,1,1] on NCHW [1,2,1,2]
  const auto c =
      run_op("PRelu", {{f32({1, 2, 1, 2}, {-1, 2, -1, -4})}, {f32({2, 1, 1}, {0.5f, 2})}});
  expect_near(c.out[0], {-0.5, 2, -2, -8});
}

TEST(PRelu, SlopeMustBroadcastToX) {
  EXPECT_THROW(run_op("PRelu", {{f32({3}, {1, 2, 3})}, {f32({2, 3}, {1, 1, 1, 1, 1, 1})}}), Error);
}
