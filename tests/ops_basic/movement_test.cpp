// Data-movement ops: Flatten, Reshape, Transpose, Concat, Split, Slice, Squeeze, Unsqueeze,
// Gather. They move bytes, so they are also checked on i64 (shape sub-graphs) and i8 data.
#include <limits>

#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

namespace {
Tensor iota_f32(Shape s) {
  Tensor t(DType::f32, std::move(s));
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}
}  // namespace

TEST(Flatten, Axes) {
  const Tensor x = iota_f32({2, 3, 4});
  EXPECT_EQ(run_op("Flatten", {{x}}).value(0).shape, (Shape{2, 12}));
  EXPECT_EQ(run_op("Flatten", {{x}}, attrs({{"axis", std::int64_t{0}}})).value(0).shape,
            (Shape{1, 24}));
  EXPECT_EQ(run_op("Flatten", {{x}}, attrs({{"axis", std::int64_t{3}}})).value(0).shape,
            (Shape{24, 1}));
  const auto r = run_op("Flatten", {{x}}, attrs({{"axis", std::int64_t{-1}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{6, 4}));
  EXPECT_EQ(values(r.out[0]), values(x));
  EXPECT_THROW(run_op("Flatten", {{x}}, attrs({{"axis", std::int64_t{4}}})), Error);
}

TEST(Reshape, ZeroAndMinusOne) {
  const Tensor x = iota_f32({2, 3, 4});
  auto shape = [&](V s) { return run_op("Reshape", {{x}, cst(i64({(std::int64_t)s.size()}, s))}); };
  EXPECT_EQ(shape({0, -1}).value(0).shape, (Shape{2, 12}));
  EXPECT_EQ(shape({-1, 2, 0}).value(0).shape, (Shape{3, 2, 4}));  // the 0 copies dim 2 (4)
  EXPECT_EQ(shape({4, 6}).value(0).shape, (Shape{4, 6}));
  EXPECT_EQ(values(shape({24}).out[0]), values(x));
  EXPECT_THROW(shape({-1, -1}), Error);
  EXPECT_THROW(shape({5, -1}), Error);
  EXPECT_THROW(shape({7, 3}), Error);
}

TEST(Reshape, AllowZero) {
  const Tensor empty(DType::f32, {0, 3});
  const auto r = run_op("Reshape", {{empty}, cst(i64({2}, {3, 0}))},
                        attrs({{"allowzero", std::int64_t{1}}}), 14);
  EXPECT_EQ(r.value(0).shape, (Shape{3, 0}));
  // Without allowzero the 0 copies dimension 1 (3): {3, 3} has 9 elements, not 0.
  EXPECT_THROW(run_op("Reshape", {{empty}, cst(i64({2}, {3, 0}))}, {}, 14), Error);
}

TEST(Reshape, ShapeMustBeConstant) {
  EXPECT_THROW(run_op("Reshape", {{iota_f32({4})}, {i64({2}, {2, 2})}}), Unsupported);
}

TEST(Transpose, DefaultReversesAxes) {
  const auto r = run_op("Transpose", {{iota_f32({2, 3})}});
  EXPECT_EQ(r.value(0).shape, (Shape{3, 2}));
  expect_near(r.out[0], {0, 3, 1, 4, 2, 5});
}

TEST(Transpose, PermOnInt64) {
  // x[a][b][c] = 100a + 10b + c, shape [2,2,3]; perm (1,2,0) -> y[b][c][a]
  V xs;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c) xs.push_back(100 * a + 10 * b + c);
  const auto r = run_op("Transpose", {{i64({2, 2, 3}, xs)}},
                        attrs({{"perm", std::vector<std::int64_t>{1, 2, 0}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3, 2}));
  V want;
  for (int b = 0; b < 2; ++b)
    for (int c = 0; c < 3; ++c)
      for (int a = 0; a < 2; ++a) want.push_back(100 * a + 10 * b + c);
  EXPECT_EQ(ints(r.out[0]), want);
  EXPECT_THROW(run_op("Transpose", {{iota_f32({2, 3})}}, attrs({{"perm", V{0, 0}}})), Error);
}

TEST(Concat, AxesAndInt64) {
  const auto r = run_op("Concat", {{iota_f32({2, 1})}, {iota_f32({2, 2})}},
                        attrs({{"axis", std::int64_t{-1}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  expect_near(r.out[0], {0, 0, 1, 1, 2, 3});
  const auto s = run_op("Concat", {{i64({1}, {7})}, {i64({2}, {-1, 5})}, {i64({0}, {})}},
                        attrs({{"axis", std::int64_t{0}}}));
  EXPECT_EQ(ints(s.out[0]), (V{7, -1, 5}));
  EXPECT_THROW(run_op("Concat", {{iota_f32({2, 1})}, {iota_f32({3, 1})}},
                      attrs({{"axis", std::int64_t{1}}})),
               Error);
}

TEST(Split, AttributeBeforeOpset13) {
  const auto r = run_op("Split", {{iota_f32({2, 3})}},
                        attrs({{"axis", std::int64_t{1}}, {"split", V{1, 2}}}), 11, {"a", "b"});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 1}));
  EXPECT_EQ(r.value(1).shape, (Shape{2, 2}));
  expect_near(r.out[0], {0, 3});
  expect_near(r.out[1], {1, 2, 4, 5});
}

TEST(Split, InputFromOpset13AndEqualParts) {
  const auto r = run_op("Split", {{i64({5}, {1, 2, 3, 4, 5})}, cst(i64({3}, {2, 0, 3}))}, {}, 13,
                        {"a", "b", "c"});
  EXPECT_EQ(ints(r.out[0]), (V{1, 2}));
  EXPECT_EQ(r.value(1).shape, (Shape{0}));
  EXPECT_EQ(ints(r.out[2]), (V{3, 4, 5}));
  const auto e = run_op("Split", {{iota_f32({4, 2})}}, {}, 13, {"a", "b"});
  expect_near(e.out[0], {0, 1, 2, 3});
  expect_near(e.out[1], {4, 5, 6, 7});
  // 3 does not split into 2 equal parts before opset 18.
  EXPECT_THROW(run_op("Split", {{iota_f32({3})}}, {}, 13, {"a", "b"}), Error);
  EXPECT_THROW(run_op("Split", {{iota_f32({3})}, cst(i64({2}, {1, 1}))}, {}, 13, {"a", "b"}),
               Error);
}

TEST(Split, UnusedOutputKeepsOffsets) {
  const auto r =
      run_op("Split", {{iota_f32({3})}, cst(i64({3}, {1, 1, 1}))}, {}, 13, {"a", "", "c"});
  expect_near(r.out[0], {0});
  expect_near(r.out[2], {2});
}

TEST(Slice, AttributesBeforeOpset10) {
  const auto r = run_op("Slice", {{iota_f32({3, 4})}},
                        attrs({{"starts", V{1, 1}}, {"ends", V{3, 1000}}, {"axes", V{0, 1}}}), 9);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  expect_near(r.out[0], {5, 6, 7, 9, 10, 11});
}

TEST(Slice, NegativeStepsAndClamping) {
  const Tensor x = iota_f32({3, 4});
  constexpr auto big = std::numeric_limits<std::int64_t>::max();
  constexpr auto small = std::numeric_limits<std::int64_t>::min();
  // Reverse both axes: starts -1, ends INT64_MIN, steps -1.
  auto r = run_op("Slice", {{x},
                            cst(i64({2}, {-1, -1})),
                            cst(i64({2}, {small, small})),
                            cst(i64({2}, {0, 1})),
                            cst(i64({2}, {-1, -1}))});
  EXPECT_EQ(r.value(0).shape, (Shape{3, 4}));
  expect_near(r.out[0], {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  // Axis -1 only, step 2 from 1 to the end (clamped from INT64_MAX).
  r = run_op(
      "Slice",
      {{x}, cst(i64({1}, {1})), cst(i64({1}, {big})), cst(i64({1}, {-1})), cst(i64({1}, {2}))});
  EXPECT_EQ(r.value(0).shape, (Shape{3, 2}));
  expect_near(r.out[0], {1, 3, 5, 7, 9, 11});
  // A huge step takes one element; a start beyond the end takes none.
  r = run_op(
      "Slice",
      {{x}, cst(i64({1}, {0})), cst(i64({1}, {4})), cst(i64({1}, {1})), cst(i64({1}, {big}))});
  EXPECT_EQ(r.value(0).shape, (Shape{3, 1}));
  r = run_op("Slice", {{x}, cst(i64({1}, {10})), cst(i64({1}, {20})), cst(i64({1}, {1}))});
  EXPECT_EQ(r.value(0).shape, (Shape{3, 0}));
  // Negative step from a start beyond the end is clamped to the last element.
  r = run_op(
      "Slice",
      {{iota_f32({4})}, cst(i64({1}, {10})), cst(i64({1}, {0})), absent(), cst(i64({1}, {-2}))});
  expect_near(r.out[0], {3, 1});
}

TEST(Slice, Int64AndI32Indices) {
  // Shape-graph pattern: take the last two entries of a shape vector.
  const auto r = run_op("Slice", {{i64({4}, {1, 3, 224, 224})},
                                  cst(i32({1}, {-2})),
                                  cst(i32({1}, {std::numeric_limits<std::int32_t>::max()}))});
  EXPECT_EQ(ints(r.out[0]), (V{224, 224}));
}

TEST(Slice, Errors) {
  const Tensor x = iota_f32({3, 4});
  EXPECT_THROW(
      run_op("Slice",
             {{x}, cst(i64({1}, {0})), cst(i64({1}, {1})), cst(i64({1}, {0})), cst(i64({1}, {0}))}),
      Error);  // step 0
  EXPECT_THROW(
      run_op("Slice", {{x}, cst(i64({2}, {0, 0})), cst(i64({2}, {1, 1})), cst(i64({2}, {1, -1}))}),
      Error);  // axis twice
  EXPECT_THROW(run_op("Slice", {{x}, {i64({1}, {0})}, cst(i64({1}, {1}))}), Unsupported);
}

TEST(Squeeze, AxesAttributeAndInput) {
  const Tensor x = iota_f32({1, 3, 1, 2});
  EXPECT_EQ(run_op("Squeeze", {{x}}, attrs({{"axes", V{0}}}), 11).value(0).shape, (Shape{3, 1, 2}));
  const auto r = run_op("Squeeze", {{x}, cst(i64({2}, {-2, 0}))}, {}, 13);
  EXPECT_EQ(r.value(0).shape, (Shape{3, 2}));
  EXPECT_EQ(values(r.out[0]), values(x));
  EXPECT_EQ(run_op("Squeeze", {{x}}, {}, 13).value(0).shape, (Shape{3, 2}));  // all size-1 axes
  EXPECT_THROW(run_op("Squeeze", {{x}, cst(i64({1}, {1}))}, {}, 13), Error);  // size 3
}

TEST(Unsqueeze, AxesAttributeAndInput) {
  const Tensor x = iota_f32({3, 2});
  EXPECT_EQ(run_op("Unsqueeze", {{x}}, attrs({{"axes", V{0, 3}}}), 11).value(0).shape,
            (Shape{1, 3, 2, 1}));
  // Axes refer to the output rank and may be unsorted or negative.
  EXPECT_EQ(run_op("Unsqueeze", {{x}, cst(i64({2}, {-1, 1}))}, {}, 13).value(0).shape,
            (Shape{3, 1, 2, 1}));
  // Scalar to 1-D on i64, as in shape sub-graphs.
  const auto r = run_op("Unsqueeze", {{i64({}, {42})}, cst(i64({1}, {0}))}, {}, 13);
  EXPECT_EQ(r.value(0).shape, (Shape{1}));
  EXPECT_EQ(ints(r.out[0]), (V{42}));
  EXPECT_THROW(run_op("Unsqueeze", {{x}, cst(i64({2}, {0, 0}))}, {}, 13), Error);
  EXPECT_THROW(run_op("Unsqueeze", {{x}}, {}, 11), Error);  // axes missing
}

TEST(Gather, Axis0AndNegativeIndices) {
  const auto r = run_op("Gather", {{iota_f32({3, 2})}, {i64({2}, {-1, 0})}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 2}));
  expect_near(r.out[0], {4, 5, 0, 1});
}

TEST(Gather, Axis1With2dI32Indices) {
  const auto r = run_op("Gather", {{iota_f32({2, 3})}, {i32({2, 2}, {2, 0, 1, 1})}},
                        attrs({{"axis", std::int64_t{1}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{2, 2, 2}));
  expect_near(r.out[0], {2, 0, 1, 1, 5, 3, 4, 4});
}

TEST(Gather, ScalarIndexOnShapeVector) {
  // Shape -> Gather(0): a scalar i64.
  const auto r = run_op("Gather", {{i64({4}, {8, 3, 32, 32})}, {i64({}, {0})}});
  EXPECT_EQ(r.value(0).shape, (Shape{}));
  EXPECT_EQ(ints(r.out[0]), (V{8}));
}

TEST(Gather, OutOfRange) {
  EXPECT_THROW(run_op("Gather", {{iota_f32({3})}, {i64({1}, {3})}}), Error);
  EXPECT_THROW(run_op("Gather", {{iota_f32({3})}, {i64({1}, {-4})}}), Error);
  EXPECT_THROW(run_op("Gather", {{iota_f32({3})}, {f32({1}, {0})}}), Error);  // float indices
}
