// Resize (opsets 10, 11, 13), Upsample (7, 9) and Pad: nearest modes, linear interpolation,
// coordinate transformations, scales vs sizes, and pad modes.
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

namespace {

Tensor none() {
  return f32({0}, {});
}

// Resize-13 of a 1x1x1xW row with the given sizes along the last axis.
OpRun resize_row(std::vector<float> row, std::int64_t out_w, Attributes a) {
  const auto w = static_cast<std::int64_t>(row.size());
  return run_op(
      "Resize",
      {{f32({1, 1, 1, w}, std::move(row))}, absent(), absent(), cst(i64({4}, {1, 1, 1, out_w}))},
      std::move(a), 13);
}

Attributes mode(const std::string& m, const std::string& ct, const std::string& nearest = "") {
  Attributes a = attrs({{"mode", m}, {"coordinate_transformation_mode", ct}});
  if (!nearest.empty()) a.set("nearest_mode", nearest);
  return a;
}

}  // namespace

TEST(Resize, NearestModesPickDifferentNeighbours) {
  // 4 -> 3 asymmetric: source coordinates 0, 4/3, 8/3.
  const std::vector<float> x = {1, 2, 3, 4};
  expect_near(resize_row(x, 3, mode("nearest", "asymmetric", "floor")).out[0], {1, 2, 3});
  expect_near(resize_row(x, 3, mode("nearest", "asymmetric", "ceil")).out[0], {1, 3, 4});
  expect_near(resize_row(x, 3, mode("nearest", "asymmetric", "round_prefer_floor")).out[0],
              {1, 2, 4});
  // Ties: 3 -> 6 asymmetric hits 0.5, 1.5, 2.5.
  const std::vector<float> y = {1, 2, 3};
  expect_near(resize_row(y, 6, mode("nearest", "asymmetric", "round_prefer_floor")).out[0],
              {1, 1, 2, 2, 3, 3});
  expect_near(resize_row(y, 6, mode("nearest", "asymmetric", "round_prefer_ceil")).out[0],
              {1, 2, 2, 3, 3, 3});
}

TEST(Resize, NearestDefaultsAreHalfPixelRoundPreferFloor) {
  const auto r = resize_row({1, 2}, 4, {});
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 1, 4}));
  expect_near(r.out[0], {1, 1, 2, 2});
  // tf_half_pixel_for_nn: 4 -> 2 samples coordinates 1 and 3 (half_pixel would pick 0 and 2).
  expect_near(resize_row({1, 2, 3, 4}, 2, mode("nearest", "tf_half_pixel_for_nn")).out[0], {2, 4});
  expect_near(resize_row({1, 2, 3, 4}, 2, mode("nearest", "half_pixel")).out[0], {1, 3});
}

TEST(Resize, LinearCoordinateModes) {
  const std::vector<float> x = {1, 2};
  expect_near(resize_row(x, 4, mode("linear", "half_pixel")).out[0], {1, 1.25, 1.75, 2});
  expect_near(resize_row(x, 4, mode("linear", "align_corners")).out[0], {1, 4.0 / 3, 5.0 / 3, 2});
  expect_near(resize_row(x, 4, mode("linear", "asymmetric")).out[0], {1, 1.5, 2, 2});
  expect_near(resize_row(x, 4, mode("linear", "pytorch_half_pixel")).out[0], {1, 1.25, 1.75, 2});
  // A length-1 output: pytorch_half_pixel samples 0, half_pixel the centre.
  expect_near(resize_row(x, 1, mode("linear", "pytorch_half_pixel")).out[0], {1});
  expect_near(resize_row(x, 1, mode("linear", "half_pixel")).out[0], {1.5});
}

TEST(Resize, BilinearWithScales) {
  const auto r =
      run_op("Resize", {{f32({1, 1, 2, 2}, {1, 2, 3, 4})}, absent(), cst(f32({4}, {1, 1, 2, 2}))},
             mode("linear", "asymmetric"), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 4, 4}));
  expect_near(r.out[0], {1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4});
}

TEST(Resize, Opset11RoiAndEmptyScales) {
  // Opset 11: roi (unused here) and scales are inputs before sizes; scales is empty.
  const auto r =
      run_op("Resize",
             {{f32({1, 1, 1, 2}, {1, 2})}, cst(none()), cst(none()), cst(i64({4}, {1, 1, 1, 4}))},
             mode("nearest", "asymmetric"), 11);
  expect_near(r.out[0], {1, 1, 2, 2});
}

TEST(Resize, Opset10IsAsymmetricFloor) {
  const auto r = run_op("Resize", {{f32({1, 3}, {1, 2, 3})}, cst(f32({2}, {1, 2}))},
                        attrs({{"mode", std::string("nearest")}}), 10);
  EXPECT_EQ(r.value(0).shape, (Shape{1, 6}));
  expect_near(r.out[0], {1, 1, 2, 2, 3, 3});
}

TEST(Resize, UnsupportedCases) {
  const Tensor x = f32({1, 1, 1, 2}, {1, 2});
  EXPECT_THROW(resize_row({1, 2}, 4, mode("cubic", "half_pixel")), Unsupported);
  EXPECT_THROW(resize_row({1, 2}, 4, mode("linear", "tf_crop_and_resize")), Unsupported);
  Attributes aa = mode("linear", "half_pixel");
  aa.set("antialias", std::int64_t{1});
  EXPECT_THROW(resize_row({1, 2}, 1, aa), Unsupported);
  // Scales fed at run time cannot be planned at compile time.
  EXPECT_THROW(run_op("Resize", {{x}, absent(), {f32({4}, {1, 1, 1, 2})}}, {}, 13), Unsupported);
  // An empty dimension has nothing to sample from.
  EXPECT_THROW(
      run_op("Resize", {{f32({1, 0}, {})}, absent(), absent(), cst(i64({2}, {1, 2}))}, {}, 13),
      Error);
  // Wrong number of scales.
  EXPECT_THROW(run_op("Resize", {{x}, absent(), cst(f32({2}, {1, 2}))}, {}, 13), Error);
}

TEST(Upsample, AttributeScalesThenInputScales) {
  const Tensor x = f32({1, 1, 1, 2}, {1, 2});
  auto r = run_op("Upsample", {{x}}, attrs({{"scales", std::vector<float>{1, 1, 2, 2}}}), 7);
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 2, 4}));
  expect_near(r.out[0], {1, 1, 2, 2, 1, 1, 2, 2});
  r = run_op("Upsample", {{x}, cst(f32({4}, {1, 1, 1, 2}))},
             attrs({{"mode", std::string("linear")}}), 9);
  expect_near(r.out[0], {1, 1.5, 2, 2});
}

TEST(Pad, ConstantModeWithInputs) {
  // pads = [begin0, begin1, end0, end1].
  const auto r = run_op(
      "Pad", {{f32({2, 2}, {1, 2, 3, 4})}, cst(i64({4}, {0, 1, 1, 0})), cst(f32({}, {9}))}, {}, 13);
  EXPECT_EQ(r.value(0).shape, (Shape{3, 3}));
  expect_near(r.out[0], {9, 1, 2, 9, 3, 4, 9, 9, 9});
}

TEST(Pad, ReflectAndEdge) {
  const Tensor x = f32({3}, {1, 2, 3});
  const Tensor pads = i64({2}, {2, 1});
  auto r = run_op("Pad", {{x}, cst(pads)}, attrs({{"mode", std::string("reflect")}}), 11);
  expect_near(r.out[0], {3, 2, 1, 2, 3, 2});
  r = run_op("Pad", {{x}, cst(pads)}, attrs({{"mode", std::string("edge")}}), 11);
  expect_near(r.out[0], {1, 1, 1, 2, 3, 3});
  // Reflecting further than the data reaches is an error, not garbage.
  EXPECT_THROW(
      run_op("Pad", {{x}, cst(i64({2}, {3, 0}))}, attrs({{"mode", std::string("reflect")}}), 11),
      Error);
}

TEST(Pad, AttributesBeforeOpset11) {
  const auto r = run_op("Pad", {{f32({2}, {1, 2})}}, attrs({{"pads", V{1, 2}}, {"value", 5.f}}), 2);
  expect_near(r.out[0], {5, 1, 2, 5, 5});
}

TEST(Pad, NegativePadsCropAndIntegersWork) {
  const auto r = run_op("Pad", {{i64({3}, {7, 8, 9})}, cst(i64({2}, {-1, 1}))}, {}, 13);
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  EXPECT_EQ(ints(r.out[0]), (V{8, 9, 0}));
}

TEST(Pad, UnsupportedAndBadCases) {
  const Tensor x = f32({2}, {1, 2});
  EXPECT_THROW(
      run_op("Pad", {{x}, cst(i64({2}, {1, 1}))}, attrs({{"mode", std::string("wrap")}}), 13),
      Unsupported);
  EXPECT_THROW(run_op("Pad", {{x}, {i64({2}, {1, 1})}}, {}, 13), Unsupported);  // not constant
  EXPECT_THROW(run_op("Pad", {{x}, cst(i64({1}, {1}))}, {}, 13), Error);
  EXPECT_THROW(run_op("Pad", {{f32({0}, {})}, cst(i64({2}, {1, 1}))},
                      attrs({{"mode", std::string("edge")}}), 13),
               Error);
  // Constant padding of an empty dimension is fine.
  expect_near(run_op("Pad", {{f32({0}, {})}, cst(i64({2}, {1, 1}))}, {}, 13).out[0], {0, 0});
}
