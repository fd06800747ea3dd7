// Conv and ConvTranspose: hand-computed cases for padding, strides, dilations, groups, auto_pad,
// output_padding and output_shape, in 1-D, 2-D and 3-D.
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

namespace {

Tensor ones(Shape s) {
  Tensor t(DType::f32, std::move(s));
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = 1;
  return t;
}

}  // namespace

TEST(Conv, ValidWindowSums) {
  // 3x3 input 0..8, 2x2 kernel of ones: each output is the sum of a 2x2 block.
  const auto r = run_op("Conv", {{iota({1, 1, 3, 3})}, cst(ones({1, 1, 2, 2}))});
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 2, 2}));
  expect_near(r.out[0], {8, 12, 20, 24});
}

TEST(Conv, PadsStridesAndBias) {
  // 3x3 kernel of ones, pads 1, stride 2: windows centred on the corners, plus bias 1.
  const auto r = run_op("Conv", {{iota({1, 1, 3, 3})}, cst(ones({1, 1, 3, 3})), cst(f32({1}, {1}))},
                        attrs({{"pads", V{1, 1, 1, 1}}, {"strides", V{2, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 2, 2}));
  expect_near(r.out[0], {9, 13, 21, 25});
}

TEST(Conv, AsymmetricPads) {
  // Pad only the left by 2 with a width-1 kernel: two zero columns, then the input.
  const auto r = run_op("Conv", {{f32({1, 1, 1, 2}, {5, 6})}, cst(f32({1, 1, 1, 1}, {2}))},
                        attrs({{"pads", V{0, 2, 0, 0}}}));
  expect_near(r.out[0], {0, 0, 10, 12});
}

TEST(Conv, Groups) {
  // Two groups of one channel each: channel 0 scaled by 2, channel 1 by -1.
  const auto r =
      run_op("Conv", {{f32({1, 2, 1, 2}, {1, 2, 3, 4})}, cst(f32({2, 1, 1, 1}, {2, -1}))},
             attrs({{"group", std::int64_t{2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 2, 1, 2}));
  expect_near(r.out[0], {2, 4, -3, -4});
}

TEST(Conv, MultipleInputChannelsAccumulate) {
  // 2 input channels, 2 output channels, 1x1 kernel: a per-pixel 2x2 matrix product.
  const auto r =
      run_op("Conv", {{f32({1, 2, 1, 2}, {1, 2, 10, 20})}, cst(f32({2, 2, 1, 1}, {1, 1, 1, -1}))});
  expect_near(r.out[0], {11, 22, -9, -18});
}

TEST(Conv, Dilations1D) {
  // Kernel taps 2 apart: y[i] = x[i] + 10 x[i+2].
  const auto r = run_op("Conv", {{f32({1, 1, 5}, {1, 2, 3, 4, 5})}, cst(f32({1, 1, 2}, {1, 10}))},
                        attrs({{"dilations", V{2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 3}));
  expect_near(r.out[0], {31, 42, 53});
}

TEST(Conv, Dilations2D) {
  // 3x3 input, 2x2 kernel dilated by 2 covers the four corners.
  const auto r = run_op("Conv", {{iota({1, 1, 3, 3})}, cst(f32({1, 1, 2, 2}, {1, 10, 100, 1000}))},
                        attrs({{"dilations", V{2, 2}}}));
  expect_near(r.out[0], {0 + 20 + 600 + 8000});
}

TEST(Conv, AutoPadSameUpperAndLower) {
  // Kernel 2, stride 1: one unit of padding, at the end (UPPER) or at the beginning (LOWER).
  const Tensor x = f32({1, 1, 1, 4}, {1, 2, 3, 4});
  const Tensor w = f32({1, 1, 1, 2}, {1, 1});
  auto r = run_op("Conv", {{x}, cst(w)}, attrs({{"auto_pad", std::string("SAME_UPPER")}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 1, 4}));
  expect_near(r.out[0], {3, 5, 7, 4});
  r = run_op("Conv", {{x}, cst(w)}, attrs({{"auto_pad", std::string("SAME_LOWER")}}));
  expect_near(r.out[0], {1, 3, 5, 7});
  // The same in 1-D, through the general N-D loop.
  r = run_op("Conv", {{f32({1, 1, 4}, {1, 2, 3, 4})}, cst(f32({1, 1, 2}, {1, 1}))},
             attrs({{"auto_pad", std::string("SAME_LOWER")}}));
  expect_near(r.out[0], {1, 3, 5, 7});
}

TEST(Conv, AutoPadSameWithStride) {
  // Output is ceil(5 / 2) = 3; total padding (3-1)*2+3-5 = 2, one on each side.
  const auto r = run_op("Conv", {{f32({1, 1, 1, 5}, {1, 2, 3, 4, 5})}, cst(ones({1, 1, 1, 3}))},
                        attrs({{"auto_pad", std::string("SAME_UPPER")}, {"strides", V{1, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 1, 3}));
  expect_near(r.out[0], {3, 9, 9});
}

TEST(Conv, AutoPadValidIgnoresPads) {
  const auto r = run_op("Conv", {{iota({1, 1, 3, 3})}, cst(ones({1, 1, 2, 2}))},
                        attrs({{"auto_pad", std::string("VALID")}}));
  expect_near(r.out[0], {8, 12, 20, 24});
}

TEST(Conv, ThreeD) {
  const auto r = run_op("Conv", {{iota({1, 1, 2, 2, 2}, 1)}, cst(ones({1, 1, 2, 2, 2}))});
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 1, 1, 1}));
  expect_near(r.out[0], {36});
}

TEST(Conv, BatchAndShapeInference) {
  const auto r = run_op("Conv", {{Tensor(DType::f32, {2, 3, 20, 18})}, cst(ones({8, 3, 7, 7}))},
                        attrs({{"pads", V{3, 3, 3, 3}}, {"strides", V{2, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{2, 8, 10, 9}));
  EXPECT_EQ(r.value(0).dtype, DType::f32);
}

TEST(Conv, RejectsBadNodes) {
  const Tensor x(DType::f32, {1, 4, 5, 5});
  // Weight expects 3 input channels.
  EXPECT_THROW(run_op("Conv", {{x}, cst(ones({2, 3, 3, 3}))}), Error);
  // Groups that do not divide the channels.
  EXPECT_THROW(run_op("Conv", {{x}, cst(ones({3, 2, 3, 3}))}, attrs({{"group", std::int64_t{2}}})),
               Error);
  // Bias of the wrong length.
  EXPECT_THROW(run_op("Conv", {{x}, cst(ones({2, 4, 3, 3})), cst(ones({3}))}), Error);
  // kernel_shape disagreeing with the weight.
  EXPECT_THROW(run_op("Conv", {{x}, cst(ones({2, 4, 3, 3}))}, attrs({{"kernel_shape", V{2, 2}}})),
               Error);
  // Kernel larger than the input.
  EXPECT_THROW(run_op("Conv", {{x}, cst(ones({2, 4, 7, 7}))}), Error);
  // Non-f32 data is unsupported rather than wrong.
  EXPECT_THROW(run_op("Conv", {{Tensor(DType::f16, {1, 4, 5, 5})}, cst(ones({2, 4, 3, 3}))}),
               Unsupported);
}

TEST(ConvTranspose, ScattersThroughTheKernel) {
  // y = sum over inputs of x[i] * w placed at i * stride.
  const Tensor x = f32({1, 1, 2}, {1, 2});
  const Tensor w = ones({1, 1, 3});
  auto r = run_op("ConvTranspose", {{x}, cst(w)});
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 4}));
  expect_near(r.out[0], {1, 3, 3, 2});
  r = run_op("ConvTranspose", {{x}, cst(w)}, attrs({{"strides", V{2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 5}));
  expect_near(r.out[0], {1, 1, 3, 2, 2});
}

TEST(ConvTranspose, PadsCropAndOutputPaddingExtends) {
  const Tensor x = f32({1, 1, 2}, {1, 2});
  const Tensor w = ones({1, 1, 3});
  auto r = run_op("ConvTranspose", {{x}, cst(w)}, attrs({{"strides", V{2}}, {"pads", V{1, 1}}}));
  expect_near(r.out[0], {1, 3, 2});
  r = run_op("ConvTranspose", {{x}, cst(w)}, attrs({{"strides", V{2}}, {"output_padding", V{1}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 6}));
  expect_near(r.out[0], {1, 1, 3, 2, 2, 0});
}

TEST(ConvTranspose, OutputShapeAndAutoPad) {
  // Full output is [1, 1, 3, 2, 2] (length 5); asking for 4 removes one unit of padding:
  // at the beginning with output_shape alone or SAME_LOWER, at the end with SAME_UPPER.
  const Tensor x = f32({1, 1, 2}, {1, 2});
  const Tensor w = ones({1, 1, 3});
  auto r =
      run_op("ConvTranspose", {{x}, cst(w)}, attrs({{"strides", V{2}}, {"output_shape", V{4}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 4}));
  expect_near(r.out[0], {1, 3, 2, 2});
  r = run_op("ConvTranspose", {{x}, cst(w)},
             attrs({{"strides", V{2}}, {"auto_pad", std::string("SAME_UPPER")}}));
  expect_near(r.out[0], {1, 1, 3, 2});
  r = run_op("ConvTranspose", {{x}, cst(w)},
             attrs({{"strides", V{2}}, {"auto_pad", std::string("SAME_LOWER")}}));
  expect_near(r.out[0], {1, 3, 2, 2});
  // An output_shape beyond the full output is zero-extended at the end.
  r = run_op("ConvTranspose", {{x}, cst(w)}, attrs({{"strides", V{2}}, {"output_shape", V{6}}}));
  expect_near(r.out[0], {1, 1, 3, 2, 2, 0});
}

TEST(ConvTranspose, GroupsDilationsBias) {
  // Two groups: channel 0 through weight 3, channel 1 through weight 4; bias per channel.
  auto r =
      run_op("ConvTranspose",
             {{f32({1, 2, 1, 1}, {1, 2})}, cst(f32({2, 1, 1, 1}, {3, 4})), cst(f32({2}, {1, 2}))},
             attrs({{"group", std::int64_t{2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 2, 1, 1}));
  expect_near(r.out[0], {4, 10});
  // Dilation 2 spreads the kernel taps apart.
  r = run_op("ConvTranspose", {{f32({1, 1, 1}, {1})}, cst(f32({1, 1, 2}, {1, 2}))},
             attrs({{"dilations", V{2}}}));
  expect_near(r.out[0], {1, 0, 2});
  // One input channel to two output channels: the weight is C x M/group x k.
  r = run_op("ConvTranspose", {{f32({1, 1, 1, 1}, {2})}, cst(f32({1, 2, 1, 1}, {1, -1}))});
  EXPECT_EQ(r.value(0).shape, (Shape{1, 2, 1, 1}));
  expect_near(r.out[0], {2, -2});
}

TEST(ConvTranspose, TwoDStride) {
  // A single 1 through a 2x2 kernel of 1..4 with stride 2 from a 2x2 input of distinct values.
  const auto r = run_op("ConvTranspose",
                        {{f32({1, 1, 2, 2}, {1, 0, 0, 2})}, cst(f32({1, 1, 2, 2}, {1, 2, 3, 4}))},
                        attrs({{"strides", V{2, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1, 4, 4}));
  expect_near(r.out[0], {1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 2, 4, 0, 0, 6, 8});
}

TEST(ConvTranspose, RejectsBadNodes) {
  const Tensor x(DType::f32, {1, 2, 3, 3});
  EXPECT_THROW(run_op("ConvTranspose", {{x}, cst(ones({3, 1, 2, 2}))}), Error);
  EXPECT_THROW(run_op("ConvTranspose", {{x}, cst(ones({2, 1, 2, 2})), cst(ones({2}))}), Error);
  EXPECT_THROW(
      run_op("ConvTranspose", {{x}, cst(ones({2, 1, 2, 2}))}, attrs({{"output_shape", V{4}}})),
      Error);
  EXPECT_THROW(
      run_op("ConvTranspose", {{x}, cst(ones({2, 1, 2, 2}))}, attrs({{"strides", V{0, 1}}})),
      Error);
  EXPECT_THROW(run_op("ConvTranspose", {{x}, cst(ones({2, 1, 2, 2}))},
                      attrs({{"auto_pad", std::string("SAME")}})),
               Error);
}
