// QLinearConv: integer convolution with requantization,
// y = saturate(round_half_even(acc * x_scale * w_scale[m] / y_scale) + y_zero_point), where acc
// is the int32 sum of (x - x_zero_point) * (w - w_zero_point[m]) plus the int32 bias B.
// Weights may be quantized per output channel. Scales and zero points must be constant.
#include "ops/int_kernels.h"
#include "ops/quant_util.h"

namespace inferlab {
namespace {

// Inputs: 0 x, 1 x_scale, 2 x_zero_point, 3 w, 4 w_scale, 5 w_zero_point, 6 y_scale,
// 7 y_zero_point, 8 B (optional).
void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 8, 9);
  ops::require_quant_type(in[0], "input");
  ops::require_quant_type(in[3], "weight");
  ops::require_quant_type(in[7], "y zero point");
  const Shape y = ops::int_conv_shape(n, in[0]->shape, in[3]->shape);
  ops::check_quant_inputs(in[1], in[2], in[0]->shape, in[0]->dtype, -1, "x");
  const bool per_channel = shape_numel(in[4]->shape) != 1;
  ops::check_quant_inputs(in[4], in[5], in[3]->shape, in[3]->dtype, per_channel ? 0 : -1, "w");
  ops::check_quant_inputs(in[6], in[7], y, in[7]->dtype, -1, "y");
  if (const Value* b = ops::opt(in, 8)) {
    if (b->dtype != DType::i32)
      fail("bias '{}' must be int32, got {}", b->name, dtype_name(b->dtype));
    if (b->shape != Shape{in[3]->shape[0]})
      fail("bias '{}' shape {} is not [{}]", b->name, shape_str(b->shape), in[3]->shape[0]);
  }
  ops::set_output(out[0], in[7]->dtype, y);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  if (out[0].numel() == 0) return;
  const Shape &xs = in[0].shape(), &ws = in[3].shape(), &ys = out[0].shape();
  const std::int64_t M = ws[0], plane = M ? out[0].numel() / (ys[0] * M) : 0;
  const auto x = ops::centered(in[0], ops::int_values(in[2]), 1);
  const auto w = ops::centered(in[3], ops::int_values(in[5]), M ? in[3].numel() / M : 1);
  const std::int32_t* bias = in.size() > 8 && !in[8].empty() ? in[8].data<std::int32_t>() : nullptr;
  std::vector<std::int32_t> acc(static_cast<std::size_t>(out[0].numel()));
  ops::int_conv(n, x, xs, w, ws, bias, acc.data());

  const float x_scale = ops::float_values(in[1])[0], y_scale = ops::float_values(in[6])[0];
  const auto w_scale = ops::float_values(in[4]);
  const std::int32_t y_zp = ops::int_values(in[7])[0];
  ops::requantize(
      acc,
      [&](std::int64_t i) {
        const auto m = static_cast<std::size_t>((i / plane) % M);
        return x_scale * w_scale[w_scale.size() == 1 ? 0 : m] / y_scale;
      },
      y_zp, out[0]);
}

}  // namespace
INFERLAB_REGISTER_OP({"QLinearConv", infer, run, true, {1, 2, 4, 5, 6, 7}});
}  // namespace inferlab
