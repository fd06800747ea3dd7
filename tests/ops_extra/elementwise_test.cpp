// Comparisons, logical ops, Where, unary math and the variadic Sum/Mean/Min/Max.
#include <cmath>
#include <limits>

#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

namespace {
Tensor bools(Shape s, std::vector<int> v) {
  Tensor t(DType::boolean, std::move(s));
  for (std::size_t i = 0; i < v.size(); ++i) t.data<bool>()[i] = v[i] != 0;
  return t;
}
}  // namespace

TEST(Compare, BroadcastsAndReturnsBool) {
  const Tensor a = i64({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor b = i64({3}, {2, 2, 7});
  auto r = run_op("Equal", {{a}, {b}});
  EXPECT_EQ(r.value(0).dtype, DType::boolean);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  EXPECT_EQ(ints(r.out[0]), (V{0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(ints(run_op("Less", {{a}, {b}}).out[0]), (V{1, 0, 1, 0, 0, 1}));
  EXPECT_EQ(ints(run_op("Greater", {{a}, {b}}).out[0]), (V{0, 0, 0, 1, 1, 0}));
  EXPECT_EQ(ints(run_op("LessOrEqual", {{a}, {b}}).out[0]), (V{1, 1, 1, 0, 0, 1}));
  EXPECT_EQ(ints(run_op("GreaterOrEqual", {{a}, {b}}).out[0]), (V{0, 1, 0, 1, 1, 0}));
}

TEST(Compare, FloatNaNAndBoolEquality) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor a = f32({3}, {nan, 1, -0.0f});
  const Tensor b = f32({3}, {nan, 2, 0.0f});
  EXPECT_EQ(ints(run_op("Equal", {{a}, {b}}).out[0]), (V{0, 0, 1}));
  EXPECT_EQ(ints(run_op("Less", {{a}, {b}}).out[0]), (V{0, 1, 0}));
  EXPECT_EQ(ints(run_op("Equal", {{bools({2}, {1, 0})}, {bools({1}, {1})}}).out[0]), (V{1, 0}));
}

TEST(Compare, RejectsMixedTypesAndBoolOrdering) {
  EXPECT_THROW(run_op("Equal", {{i64({1}, {1})}, {i32({1}, {1})}}), Error);
  EXPECT_THROW(run_op("Less", {{bools({1}, {1})}, {bools({1}, {0})}}), Unsupported);
  EXPECT_THROW(run_op("Greater", {{f32({2}, {1, 2})}, {f32({3}, {1, 2, 3})}}), Error);
}

TEST(Logical, NotAndOrXor) {
  EXPECT_EQ(ints(run_op("Not", {{bools({3}, {1, 0, 1})}}).out[0]), (V{0, 1, 0}));
  const Tensor a = bools({2, 2}, {0, 0, 1, 1});
  const Tensor b = bools({2}, {0, 1});
  EXPECT_EQ(ints(run_op("And", {{a}, {b}}).out[0]), (V{0, 0, 0, 1}));
  EXPECT_EQ(ints(run_op("Or", {{a}, {b}}).out[0]), (V{0, 1, 1, 1}));
  EXPECT_EQ(ints(run_op("Xor", {{a}, {b}}).out[0]), (V{0, 1, 1, 0}));
  EXPECT_THROW(run_op("Not", {{f32({1}, {1})}}), Error);
}

TEST(Where, BroadcastsAllThree) {
  // condition [2,1], X [3], Y scalar -> [2,3]
  const auto r = run_op("Where", {{bools({2, 1}, {1, 0})}, {i64({3}, {1, 2, 3})}, {i64({}, {-9})}});
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  EXPECT_EQ(ints(r.out[0]), (V{1, 2, 3, -9, -9, -9}));
  const auto f = run_op("Where", {{bools({3}, {0, 1, 0})}, {f32({1}, {5})}, {f32({3}, {1, 2, 3})}});
  expect_near(f.out[0], {1, 5, 3});
  EXPECT_THROW(run_op("Where", {{i64({1}, {1})}, {f32({1}, {1})}, {f32({1}, {2})}}), Error);
  EXPECT_THROW(run_op("Where", {{bools({1}, {1})}, {f32({1}, {1})}, {i64({1}, {2})}}), Error);
}

TEST(UnaryMath, AbsNegWrapIntegers) {
  constexpr auto lo = std::numeric_limits<std::int64_t>::lowest();
  EXPECT_EQ(ints(run_op("Abs", {{i64({3}, {-4, 5, lo})}}).out[0]), (V{4, 5, lo}));
  EXPECT_EQ(ints(run_op("Neg", {{i64({3}, {-4, 5, lo})}}).out[0]), (V{4, -5, lo}));
  expect_near(run_op("Abs", {{f32({2}, {-1.5f, 2})}}).out[0], {1.5, 2});
  expect_near(run_op("Neg", {{f32({2}, {-1.5f, 2})}}).out[0], {1.5, -2});
  EXPECT_EQ(ints(run_op("Abs", {{make<std::uint8_t>({2}, {200, 3})}}).out[0]), (V{200, 3}));
  EXPECT_THROW(run_op("Neg", {{make<std::uint8_t>({1}, {1})}}), Error);
}

TEST(UnaryMath, FloorCeilErf) {
  const Tensor x = f32({4}, {-1.5f, -0.2f, 0.2f, 2});
  expect_near(run_op("Floor", {{x}}).out[0], {-2, -1, 0, 2});
  expect_near(run_op("Ceil", {{x}}).out[0], {-1, 0, 1, 2});
  // erf(0.5) = 0.5204998778, erf(-1) = -0.8427007929, erf(3) = 0.9999779095
  expect_near(run_op("Erf", {{f32({4}, {0, 0.5f, -1, 3})}}).out[0],
              {0, 0.5204998778, -0.8427007929, 0.9999779095}, 1e-6);
  EXPECT_THROW(run_op("Floor", {{i64({1}, {1})}}), Unsupported);
}

TEST(Variadic, SumMeanBroadcast) {
  const Tensor a = f32({2, 2}, {1, 2, 3, 4});
  const Tensor b = f32({2}, {10, 20});
  const Tensor c = f32({}, {100});
  auto r = run_op("Sum", {{a}, {b}, {c}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 2}));
  expect_near(r.out[0], {111, 122, 113, 124});
  expect_near(run_op("Mean", {{a}, {b}, {c}}).out[0], {37, 122.0 / 3, 113.0 / 3, 124.0 / 3});
  expect_near(run_op("Sum", {{a}}).out[0], {1, 2, 3, 4});
  EXPECT_THROW(run_op("Sum", {{i64({1}, {1})}, {i64({1}, {2})}}), Unsupported);
}

TEST(Variadic, MinMaxIntegersAndNaN) {
  const Tensor a = i64({3}, {5, -2, 8});
  const Tensor b = i64({3, 1}, {0, 6, -7});
  const auto mn = run_op("Min", {{a}, {b}});
  EXPECT_EQ(mn.value(0).shape, (Shape{3, 3}));
  EXPECT_EQ(ints(mn.out[0]), (V{0, -2, 0, 5, -2, 6, -7, -7, -7}));
  EXPECT_EQ(ints(run_op("Max", {{a}, {b}}).out[0]), (V{5, 0, 8, 6, 6, 8, 5, -2, 8}));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto m = run_op("Max", {{f32({2}, {nan, 1})}, {f32({2}, {3, nan})}});
  EXPECT_TRUE(std::isnan(m.out[0].at_f64(0)));
  EXPECT_TRUE(std::isnan(m.out[0].at_f64(1)));
  EXPECT_THROW(run_op("Max", {{i64({1}, {1})}, {i32({1}, {1})}}), Error);
}
