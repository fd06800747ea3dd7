// MatMulInteger: int32 matrix product of uint8/int8 A and B with zero points removed: A's per
// tensor or per row (M), B's per tensor or per column (N). Zero points may be run-time values.
#include "ops/int_kernels.h"
#include "ops/quant_util.h"

namespace inferlab {
namespace {

std::int64_t rows(const Shape& a) {
  return a.size() > 1 ? a[a.size() - 2] : 1;
}

void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 4);
  ops::require_quant_type(in[0], "A");
  ops::require_quant_type(in[1], "B");
  const auto s = ops::matmul_shapes(in[0]->shape, in[1]->shape);
  ops::check_zero_point(ops::opt(in, 2), in[0]->dtype, rows(in[0]->shape), "a");
  ops::check_zero_point(ops::opt(in, 3), in[1]->dtype, in[1]->shape.back(), "b");
  ops::set_output(out[0], DType::i32, s.result);
}

std::vector<std::int32_t> zero_points(const std::vector<Tensor>& in, std::size_t i) {
  return i < in.size() && !in[i].empty() ? ops::int_values(in[i]) : std::vector<std::int32_t>{0};
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const auto s = ops::matmul_shapes(in[0].shape(), in[1].shape());
  const auto a = ops::centered(in[0], zero_points(in, 2), in[0].shape().back());
  const auto b = ops::centered(in[1], zero_points(in, 3), 1);
  ops::int_matmul(s, a, b, out[0].data<std::int32_t>());
}

}  // namespace
INFERLAB_REGISTER_OP({"MatMulInteger", infer, run});
}  // namespace inferlab
