#pragma once
// Integer convolution and matrix multiplication shared by ConvInteger / QLinearConv and
// MatMulInteger / QLinearMatMul: exact int32 accumulation of (x - x_zero_point) * (w -
// w_zero_point).
#include "ops/spatial.h"

namespace inferlab::ops {

// Values of a uint8/int8 tensor as int32 with their zero point removed. Element i uses
// zero_point[(i / inner) % zero_point.size()] (one entry: per tensor).
std::vector<std::int32_t> centered(const Tensor& t, const std::vector<std::int32_t>& zero_point,
                                   std::int64_t inner);

// Checks a 1-D or 2-D convolution of x by w (groups, kernel_shape, pads...) and returns the
// output shape N x M x spatial.
Shape int_conv_shape(const Node& n, const Shape& x, const Shape& w);

// acc (N x M x spatial, as int_conv_shape) = conv(x, w) (+ bias[m] when bias is not null).
void int_conv(const Node& n, const std::vector<std::int32_t>& x, const Shape& xs,
              const std::vector<std::int32_t>& w, const Shape& ws, const std::int32_t* bias,
              std::int32_t* acc);

// Numpy-style batched matrix product shapes (1-D operands promoted, then squeezed back); also
// what the float MatMul uses. a, b: promoted to >= 2-D; out: before squeezing; result: after.
struct MatMulShapes {
  Shape a, b, out, result;
};
MatMulShapes matmul_shapes(const Shape& a, const Shape& b);

// acc (s.out) = a x b, both already centered, batch dims broadcast.
void int_matmul(const MatMulShapes& s, const std::vector<std::int32_t>& a,
                const std::vector<std::int32_t>& b, std::int32_t* acc);

}  // namespace inferlab::ops
