// ReduceSum (axes input), ReduceSumSquare, ReduceProd, ReduceMax, ReduceMin (axes attribute).
#include <cmath>
#include <limits>

#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

namespace {
// x = [[1, 2, 3], [4, 5, 6]]
Tensor x() {
  return f32({2, 3}, {1, 2, 3, 4, 5, 6});
}
Attributes keep(std::int64_t k) {
  return attrs({{"keepdims", k}});
}
}  // namespace

TEST(ReduceSum, AxesInput) {
  auto r = run_op("ReduceSum", {{x()}, cst(i64({1}, {1}))}, {}, 13);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 1}));
  expect_near(r.out[0], {6, 15});
  r = run_op("ReduceSum", {{x()}, cst(i64({1}, {-2}))}, keep(0), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{3}));
  expect_near(r.out[0], {5, 7, 9});
  r = run_op("ReduceSum", {{x()}}, keep(0), 13);  // no axes: everything
  EXPECT_EQ(r.value(0).shape, (Shape{}));
  expect_near(r.out[0], {21});
}

TEST(ReduceSum, EmptyAxesNoopAndIntegers) {
  auto r = run_op("ReduceSum", {{x()}, cst(i64({0}, {}))},
                  attrs({{"noop_with_empty_axes", std::int64_t{1}}}), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  expect_near(r.out[0], {1, 2, 3, 4, 5, 6});
  r = run_op("ReduceSum", {{i64({2, 2}, {1, -5, 7, 2})}, cst(i64({1}, {0}))}, keep(0), 13);
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  EXPECT_EQ(ints(r.out[0]), (V{8, -3}));
  EXPECT_THROW(run_op("ReduceSum", {{x()}, {i64({1}, {0})}}, {}, 13), Unsupported);
  EXPECT_THROW(run_op("ReduceSum", {{x()}, cst(i64({1}, {2}))}, {}, 13), Error);
}

TEST(ReduceOthers, AxesAttribute) {
  const auto axes1 = [](std::int64_t k) { return attrs({{"axes", V{1}}, {"keepdims", k}}); };
  expect_near(run_op("ReduceMax", {{x()}}, axes1(0), 13).out[0], {3, 6});
  expect_near(run_op("ReduceMin", {{x()}}, axes1(0), 13).out[0], {1, 4});
  expect_near(run_op("ReduceProd", {{x()}}, axes1(0), 13).out[0], {6, 120});
  expect_near(run_op("ReduceSumSquare", {{x()}}, axes1(0), 13).out[0], {14, 77});
  const auto all = run_op("ReduceMax", {{i32({2, 2}, {-3, 9, 4, -1})}}, {}, 13);
  EXPECT_EQ(all.value(0).shape, (Shape{1, 1}));
  EXPECT_EQ(ints(all.out[0]), (V{9}));
}

TEST(ReduceOthers, AxesInputFromOpset18AndNaN) {
  expect_near(run_op("ReduceMax", {{x()}, cst(i64({1}, {0}))}, keep(0), 18).out[0], {4, 5, 6});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const auto r = run_op("ReduceMin", {{f32({3}, {1, nan, -2})}}, keep(0), 13);
  EXPECT_TRUE(std::isnan(r.out[0].at_f64(0)));
}
