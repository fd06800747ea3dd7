// QLinearMatMul: integer matrix product with requantization,
// y = saturate(round_half_even(acc * a_scale[i] * b_scale[j] / y_scale) + y_zero_point), where
// acc sums (a - a_zero_point[i]) * (b - b_zero_point[j]); A's parameters are per tensor or per row,
// B's per tensor or per column. Scales and zero points must be constant.
#include "ops/int_kernels.h"
#include "ops/quant_util.h"

namespace inferlab {
namespace {

// The axis of a per-row (A) / per-column (B) parameter, or -1 for a scalar.
std::int64_t param_axis(const Value* scale, const Shape& t, std::size_t from_end) {
  if (shape_numel(scale->shape) == 1 || t.size() < 2) return -1;
  return static_cast<std::int64_t>(t.size() - from_end);
}

// Inputs: 0 a, 1 a_scale, 2 a_zero_point, 3 b, 4 b_scale, 5 b_zero_point, 6 y_scale,
// 7 y_zero_point.
void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 8, 8);
  ops::require_quant_type(in[0], "A");
  ops::require_quant_type(in[3], "B");
  ops::require_quant_type(in[7], "y zero point");
  const Shape &a = in[0]->shape, &b = in[3]->shape;
  const auto s = ops::matmul_shapes(a, b);
  ops::check_quant_inputs(in[1], in[2], a, in[0]->dtype, param_axis(in[1], a, 2), "a");
  ops::check_quant_inputs(in[4], in[5], b, in[3]->dtype, param_axis(in[4], b, 1), "b");
  ops::check_quant_inputs(in[6], in[7], s.result, in[7]->dtype, -1, "y");
  ops::set_output(out[0], in[7]->dtype, s.result);
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const auto s = ops::matmul_shapes(in[0].shape(), in[3].shape());
  const std::int64_t M = s.out[s.out.size() - 2], N = s.out.back();
  const auto a = ops::centered(in[0], ops::int_values(in[2]), s.a.back());
  const auto b = ops::centered(in[3], ops::int_values(in[5]), 1);
  std::vector<std::int32_t> acc(static_cast<std::size_t>(out[0].numel()));
  ops::int_matmul(s, a, b, acc.data());

  const auto a_scale = ops::float_values(in[1]), b_scale = ops::float_values(in[4]);
  const float y_scale = ops::float_values(in[6])[0];
  const std::int32_t y_zp = ops::int_values(in[7])[0];
  ops::requantize(
      acc,
      [&](std::int64_t i) {
        const auto row = static_cast<std::size_t>((i / N) % M),
                   col = static_cast<std::size_t>(i % N);
        return a_scale[a_scale.size() == 1 ? 0 : row] * b_scale[b_scale.size() == 1 ? 0 : col] /
               y_scale;
      },
      y_zp, out[0]);
}

}  // namespace
INFERLAB_REGISTER_OP({"QLinearMatMul", infer, run, true, {1, 2, 4, 5, 6, 7}});
}  // namespace inferlab
