// inferlab.QLinearConvSum: a QLinearConv whose requantized output also adds a second 8-bit
// tensor S (the residual operand of a quantized ResNet), made by passes/fuse_qdq.cpp from
// QLinearConv -> QLinearAdd. With acc the int32 accumulator of the convolution (bias included),
//   y = saturate(round_half_even(acc * x_scale * w_scale[m] / y_scale
//                                + (S - S_zero_point) * S_scale / y_scale) + y_zero_point),
// where the conv term is first clamped to the range of the conv's own 8-bit output A (A_scale,
// A_zero_point: the saturation of the unfused QLinearConv), as the oneDNN int8 convolution
// computes with output scales, an eltwise clip and a `sum` post-op. Only A's rounding is
// skipped: one rounding instead of two.
// Inputs: 0-7 as QLinearConv, 8 bias (int32), 9 S, 10 S_scale, 11 S_zero_point, 12 A_scale,
// 13 A_zero_point.
#include <algorithm>

#include "ops/int_kernels.h"
#include "ops/quant_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 14, 14);
  ops::require_quant_type(in[0], "input");
  ops::require_quant_type(in[3], "weight");
  ops::require_quant_type(in[7], "y zero point");
  ops::require_quant_type(in[9], "sum operand");
  const Shape y = ops::int_conv_shape(n, in[0]->shape, in[3]->shape);
  if (in[9]->shape != y)
    fail("sum operand '{}' has shape {}, the convolution output {}", in[9]->name,
         shape_str(in[9]->shape), shape_str(y));
  ops::check_quant_inputs(in[1], in[2], in[0]->shape, in[0]->dtype, -1, "x");
  const bool per_channel = shape_numel(in[4]->shape) != 1;
  ops::check_quant_inputs(in[4], in[5], in[3]->shape, in[3]->dtype, per_channel ? 0 : -1, "w");
  ops::check_quant_inputs(in[6], in[7], y, in[7]->dtype, -1, "y");
  ops::check_quant_inputs(in[10], in[11], y, in[9]->dtype, -1, "sum operand");
  ops::require_quant_type(in[13], "conv output zero point");
  ops::check_quant_inputs(in[12], in[13], y, in[13]->dtype, -1, "conv output");
  if (const Value* b = ops::opt(in, 8);
      b && (b->dtype != DType::i32 || b->shape != Shape{in[3]->shape[0]}))
    fail("bias '{}' must be int32 of shape [{}]", b->name, in[3]->shape[0]);
  ops::set_output(out[0], in[7]->dtype, y);
}

template <typename T>
std::vector<float> centered_sum(const Tensor& s, std::int32_t zp, float mult) {
  std::vector<float> v(static_cast<std::size_t>(s.numel()));
  for (std::int64_t i = 0; i < s.numel(); ++i)
    v[static_cast<std::size_t>(i)] = static_cast<float>(s.data<T>()[i] - zp) * mult;
  return v;
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  if (out[0].numel() == 0) return;
  const Shape &xs = in[0].shape(), &ws = in[3].shape(), &ys = out[0].shape();
  const std::int64_t M = ws[0], plane = M ? out[0].numel() / (ys[0] * M) : 0;
  const auto x = ops::centered(in[0], ops::int_values(in[2]), 1);
  const auto w = ops::centered(in[3], ops::int_values(in[5]), M ? in[3].numel() / M : 1);
  const std::int32_t* bias = !in[8].empty() ? in[8].data<std::int32_t>() : nullptr;
  std::vector<std::int32_t> acc(static_cast<std::size_t>(out[0].numel()));
  ops::int_conv(n, x, xs, w, ws, bias, acc.data());

  const float x_scale = ops::float_values(in[1])[0], y_scale = ops::float_values(in[6])[0];
  const auto w_scale = ops::float_values(in[4]);
  const std::int32_t y_zp = ops::int_values(in[7])[0], s_zp = ops::int_values(in[11])[0];
  const float s_mult = ops::float_values(in[10])[0] / y_scale;
  const auto sum = in[9].dtype() == DType::u8 ? centered_sum<std::uint8_t>(in[9], s_zp, s_mult)
                                              : centered_sum<std::int8_t>(in[9], s_zp, s_mult);
  // The conv term's range in y units: A's saturation.
  const float a_mult = ops::float_values(in[12])[0] / y_scale;
  const std::int32_t a_zp = ops::int_values(in[13])[0];
  const float a_lo = static_cast<float>(ops::quant_min(in[13].dtype()) - a_zp) * a_mult,
              a_hi = static_cast<float>(ops::quant_max(in[13].dtype()) - a_zp) * a_mult;
  const DType yt = out[0].dtype();
  const std::int32_t lo = ops::quant_min(yt), hi = ops::quant_max(yt);
  for (std::int64_t i = 0; i < out[0].numel(); ++i) {
    const std::int64_t m = (i / plane) % M;
    const float mult =
        x_scale * w_scale[w_scale.size() == 1 ? 0 : static_cast<std::size_t>(m)] / y_scale;
    const auto k = static_cast<std::size_t>(i);
    const std::int32_t q = ops::round_saturate(
        std::clamp(static_cast<float>(acc[k]) * mult, a_lo, a_hi) + sum[k], y_zp, lo, hi);
    if (yt == DType::u8) {
      out[0].data<std::uint8_t>()[i] = static_cast<std::uint8_t>(q);
    } else {
      out[0].data<std::int8_t>()[i] = static_cast<std::int8_t>(q);
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"QLinearConvSum",
                      infer,
                      run,
                      true,
                      {1, 2, 4, 5, 6, 7, 10, 11, 12, 13},
                      {14, 14},
                      {1, 1},
                      "inferlab"});
}  // namespace inferlab
