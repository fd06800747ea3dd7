// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool: hand-computed windows with pads,
// strides, dilations, ceil_mode, auto_pad and count_include_pad.
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

TEST(MaxPool, Basic2D) {
  const auto r = run_op("MaxPool", {{iota({1, 1, 3, 3}, 0)}}, attrs({{"kernel_shape", V{2, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 2, 2}));
  expect_near(r.out[0], {4, 5, 7, 8});
}

TEST(MaxPool, PaddingNeverWins) {
  // All values negative: a zero-valued padding would win; ONNX pads with -inf.
  const auto r =
      run_op("MaxPool", {{iota({1, 1, 3, 3}, -10)}},
             attrs({{"kernel_shape", V{2, 2}}, {"pads", V{1, 1, 1, 1}}, {"strides", V{2, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 2, 2}));
  expect_near(r.out[0], {-10, -8, -4, -2});
}

TEST(MaxPool, CeilModeAddsAPartialWindow) {
  const Tensor x = f32({1, 1, 1, 5}, {1, 2, 3, 4, 5});
  auto r = run_op("MaxPool", {{x}}, attrs({{"kernel_shape", V{1, 2}}, {"strides", V{1, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 1, 2}));
  expect_near(r.out[0], {2, 4});
  r = run_op(
      "MaxPool", {{x}},
      attrs({{"kernel_shape", V{1, 2}}, {"strides", V{1, 2}}, {"ceil_mode", std::int64_t{1}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 1, 3}));
  expect_near(r.out[0], {2, 4, 5});
}

TEST(MaxPool, CeilModeDropsAWindowStartingInPadding) {
  // Length 5, kernel 2, stride 2, pad 1 each side: ceil((5+2-2)/2)+1 = 4 windows, but the fourth
  // would start in the end padding and is dropped. Windows: [pad,1], [2,3], [4,5].
  const auto r = run_op("MaxPool", {{f32({1, 1, 5}, {1, 2, 3, 4, 5})}},
                        attrs({{"kernel_shape", V{2}},
                               {"strides", V{2}},
                               {"pads", V{1, 1}},
                               {"ceil_mode", std::int64_t{1}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 3}));
  expect_near(r.out[0], {1, 3, 5});
}

TEST(MaxPool, Dilations) {
  const auto r = run_op("MaxPool", {{f32({1, 1, 5}, {5, 1, 4, 2, 3})}},
                        attrs({{"kernel_shape", V{2}}, {"dilations", V{2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 3}));
  expect_near(r.out[0], {5, 2, 4});
}

TEST(MaxPool, AutoPadSame) {
  // Length 5, kernel 2, stride 2: output 3, total padding 1 (end for UPPER, start for LOWER).
  const Tensor x = f32({1, 1, 5}, {1, 5, 2, 4, 3});
  auto r = run_op(
      "MaxPool", {{x}},
      attrs({{"kernel_shape", V{2}}, {"strides", V{2}}, {"auto_pad", std::string("SAME_UPPER")}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 3}));
  expect_near(r.out[0], {5, 4, 3});
  r = run_op(
      "MaxPool", {{x}},
      attrs({{"kernel_shape", V{2}}, {"strides", V{2}}, {"auto_pad", std::string("SAME_LOWER")}}));
  expect_near(r.out[0], {1, 5, 4});
}

TEST(MaxPool, ThreeDAndChannelsStayApart) {
  const auto r =
      run_op("MaxPool", {{iota({1, 2, 2, 2, 2}, 1)}}, attrs({{"kernel_shape", V{2, 2, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 2, 1, 1, 1}));
  expect_near(r.out[0], {8, 16});
}

TEST(MaxPool, Uint8) {
  const auto r = run_op("MaxPool", {{make<std::uint8_t>({1, 1, 1, 4}, {1, 200, 3, 4})}},
                        attrs({{"kernel_shape", V{1, 2}}, {"strides", V{1, 2}}}));
  EXPECT_EQ(r.value(0).dtype, DType::u8);
  EXPECT_EQ(ints(r.out[0]), (V{200, 4}));
}

TEST(MaxPool, IndicesRowAndColumnMajor) {
  // Two 2x3 channels, 2x2 windows at columns 0 and 1. Indices count over the whole input
  // (channel 1 starts at 6), row-major by default, column-major (h fastest) with storage_order 1.
  const Tensor x = f32({1, 2, 2, 3}, {1, 2, 3, 4, 9, 6, 0, 0, 7, 8, 0, 0});
  auto r = run_op("MaxPool", {{x}}, attrs({{"kernel_shape", V{2, 2}}}), 12, {"y", "indices"});
  EXPECT_EQ(r.value(1).dtype, DType::i64);
  EXPECT_EQ(r.value(1).shape, (Shape{1, 2, 1, 2}));
  expect_near(r.out[0], {9, 9, 8, 7});
  EXPECT_EQ(ints(r.out[1]), (V{4, 4, 9, 8}));
  r = run_op("MaxPool", {{x}},
             attrs({{"kernel_shape", V{2, 2}}, {"storage_order", std::int64_t{1}}}), 12,
             {"y", "indices"});
  expect_near(r.out[0], {9, 9, 8, 7});
  EXPECT_EQ(ints(r.out[1]), (V{3, 3, 7, 10}));
  // Padding is never an index; ties keep the first maximum.
  r = run_op("MaxPool", {{f32({1, 1, 3}, {5, 5, 1})}},
             attrs({{"kernel_shape", V{2}}, {"pads", V{1, 1}}}), 12, {"y", "indices"});
  EXPECT_EQ(ints(r.out[1]), (V{0, 0, 1, 2}));
  EXPECT_THROW(run_op("AveragePool", {{x}}, attrs({{"kernel_shape", V{2, 2}}}), 12, {"y", "i"}),
               Error);
}

TEST(MaxPool, RejectsBadNodes) {
  const Tensor x(DType::f32, {1, 1, 3, 3});
  EXPECT_THROW(run_op("MaxPool", {{x}}), Error);  // kernel_shape is required
  EXPECT_THROW(run_op("MaxPool", {{x}}, attrs({{"kernel_shape", V{2}}})), Error);
  EXPECT_THROW(run_op("MaxPool", {{x}}, attrs({{"kernel_shape", V{4, 4}}})), Error);
  EXPECT_THROW(run_op("MaxPool", {{x}},
                      attrs({{"kernel_shape", V{2, 2}}, {"auto_pad", std::string("SAME")}})),
               Error);
}

TEST(AveragePool, CountIncludePad) {
  // 3x3 input 1..9, kernel 2, pads 1, stride 2: windows hold 1, 2, 2 and 4 real values.
  const Tensor x = iota({1, 1, 3, 3}, 1);
  const Attributes base =
      attrs({{"kernel_shape", V{2, 2}}, {"pads", V{1, 1, 1, 1}}, {"strides", V{2, 2}}});
  auto r = run_op("AveragePool", {{x}}, base);
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 2, 2}));
  expect_near(r.out[0], {1, 2.5, 5.5, 7});
  Attributes incl = base;
  incl.set("count_include_pad", std::int64_t{1});
  r = run_op("AveragePool", {{x}}, incl);
  expect_near(r.out[0], {0.25, 1.25, 2.75, 7});
}

TEST(AveragePool, CeilModeOverhangIsNeverCounted) {
  // The last window [5, overhang] averages its one real value, even with count_include_pad.
  const Tensor x = f32({1, 1, 5}, {1, 2, 3, 4, 5});
  for (std::int64_t include : {0, 1}) {
    const auto r = run_op("AveragePool", {{x}},
                          attrs({{"kernel_shape", V{2}},
                                 {"strides", V{2}},
                                 {"ceil_mode", std::int64_t{1}},
                                 {"count_include_pad", include}}));
    EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 3}));
    expect_near(r.out[0], {1.5, 3.5, 5});
  }
}

TEST(AveragePool, ThreeD) {
  const auto r =
      run_op("AveragePool", {{iota({1, 1, 2, 2, 2}, 1)}}, attrs({{"kernel_shape", V{2, 2, 2}}}));
  expect_near(r.out[0], {4.5});
}

TEST(AveragePool, SameUpperCountsAutoPadding) {
  // Length 3, kernel 2, SAME_UPPER: one unit of padding at the end.
  const Tensor x = f32({1, 1, 3}, {2, 4, 6});
  auto r = run_op("AveragePool", {{x}},
                  attrs({{"kernel_shape", V{2}}, {"auto_pad", std::string("SAME_UPPER")}}));
  expect_near(r.out[0], {3, 5, 6});
  r = run_op("AveragePool", {{x}},
             attrs({{"kernel_shape", V{2}},
                    {"auto_pad", std::string("SAME_UPPER")},
                    {"count_include_pad", std::int64_t{1}}}));
  expect_near(r.out[0], {3, 5, 3});
}

TEST(AveragePool, OnlyFloat) {
  EXPECT_THROW(run_op("AveragePool", {{make<std::uint8_t>({1, 1, 2}, {1, 2})}},
                      attrs({{"kernel_shape", V{2}}})),
               Unsupported);
}

TEST(GlobalPool, AverageAndMax) {
  const Tensor x = f32({1, 2, 2, 2}, {1, 2, 3, 4, 5, -6, 7, 8});
  auto r = run_op("GlobalAveragePool", {{x}});
  EXPECT_EQ(r.value(0).shape, (Shape{1, 2, 1, 1}));
  expect_near(r.out[0], {2.5, 3.5});
  r = run_op("GlobalMaxPool", {{x}});
  EXPECT_EQ(r.value(0).shape, (Shape{1, 2, 1, 1}));
  expect_near(r.out[0], {4, 8});
  // Any number of spatial dimensions.
  r = run_op("GlobalMaxPool", {{f32({2, 1, 3}, {-1, -5, -2, 0, 9, 1})}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 1, 1}));
  expect_near(r.out[0], {-1, 9});
  EXPECT_THROW(run_op("GlobalAveragePool", {{f32({2, 2}, {1, 2, 3, 4})}}), Error);
}
