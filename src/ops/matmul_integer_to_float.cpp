// MatMulIntegerToFloat (com.microsoft, as ONNX Runtime defines it): the integer product of
// uint8/int8 A and B with zero points removed, scaled back to float and biased,
//   y[.., i, j] = float(acc[.., i, j]) * (a_scale * b_scale[j]) + bias[j],
// A's scale and zero point per tensor, B's per tensor or per column (N). It is also what
// passes/fuse_qdq.cpp makes of DQ(A) -> Gemm/MatMul with DQ'd constant weights and no
// QuantizeLinear after (a classifier's last layer): the accumulation is exact, the float
// result rounds once where the model as written rounds per product.
// Inputs: 0 A, 1 B, 2 a_scale, 3 b_scale, 4 a_zero_point, 5 b_zero_point, 6 bias.
#include "ops/int_kernels.h"
#include "ops/quant_util.h"

namespace inferlab {
namespace {

void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 4, 7);
  ops::require_quant_type(in[0], "A");
  ops::require_quant_type(in[1], "B");
  const Shape &a = in[0]->shape, &b = in[1]->shape;
  const auto s = ops::matmul_shapes(a, b);
  ops::check_quant_inputs(in[2], ops::opt(in, 4), a, in[0]->dtype, -1, "a");
  const bool per_column = shape_numel(in[3]->shape) != 1;
  if (b.size() < 2)  // bias and per-column parameters index B's columns
    unsupported("B '{}' of shape {}: only a 2-D or batched B is supported", in[1]->name,
                shape_str(b));
  ops::check_quant_inputs(in[3], ops::opt(in, 5), b, in[1]->dtype,
                          per_column ? static_cast<std::int64_t>(b.size()) - 1 : -1, "b");
  if (const Value* bias = ops::opt(in, 6);
      bias && (bias->dtype != DType::f32 || bias->shape != Shape{b.back()}))
    fail("bias '{}' must be f32 of shape [{}], got {} {}", bias->name, b.back(),
         dtype_name(bias->dtype), shape_str(bias->shape));
  ops::set_output(out[0], DType::f32, s.result);
}

std::vector<std::int32_t> zero_points(const std::vector<Tensor>& in, std::size_t i) {
  return i < in.size() && !in[i].empty() ? ops::int_values(in[i]) : std::vector<std::int32_t>{0};
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const auto s = ops::matmul_shapes(in[0].shape(), in[1].shape());
  const std::int64_t N = s.out.back();
  const auto a = ops::centered(in[0], zero_points(in, 4), in[0].shape().back());
  const auto b = ops::centered(in[1], zero_points(in, 5), 1);
  std::vector<std::int32_t> acc(static_cast<std::size_t>(out[0].numel()));
  ops::int_matmul(s, a, b, acc.data());
  const float a_scale = ops::float_values(in[2])[0];
  const auto b_scale = ops::float_values(in[3]);
  const bool bias = in.size() > 6 && !in[6].empty();
  float* y = out[0].data<float>();
  for (std::int64_t i = 0; i < out[0].numel(); ++i) {
    const auto j = static_cast<std::size_t>(i % N);
    y[i] = static_cast<float>(acc[static_cast<std::size_t>(i)]) *
           (a_scale * b_scale[b_scale.size() == 1 ? 0 : j]);
    if (bias) y[i] += in[6].data<float>()[j];
  }
}

}  // namespace
INFERLAB_REGISTER_OP(
    {"MatMulIntegerToFloat", infer, run, true, {2, 3, 4, 5}, {4, 7}, {1, 1}, "com.microsoft"});
}  // namespace inferlab
