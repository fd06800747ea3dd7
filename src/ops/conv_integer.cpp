// ConvInteger: int32 convolution of uint8/int8 x and w with their zero points removed (x's per
// tensor, w's per tensor or per output channel). Zero points may be computed at run time
// (DynamicQuantizeLinear), so only their types and shapes are checked at compile time.
#include "ops/int_kernels.h"
#include "ops/quant_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 4);
  ops::require_quant_type(in[0], "input");
  ops::require_quant_type(in[1], "weight");
  const Shape y = ops::int_conv_shape(n, in[0]->shape, in[1]->shape);
  ops::check_zero_point(ops::opt(in, 2), in[0]->dtype, 1, "x");
  ops::check_zero_point(ops::opt(in, 3), in[1]->dtype, in[1]->shape[0], "w");
  ops::set_output(out[0], DType::i32, y);
}

std::vector<std::int32_t> zero_points(const std::vector<Tensor>& in, std::size_t i) {
  return i < in.size() && !in[i].empty() ? ops::int_values(in[i]) : std::vector<std::int32_t>{0};
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape &xs = in[0].shape(), &ws = in[1].shape();
  const auto x = ops::centered(in[0], zero_points(in, 2), 1);
  const auto w = ops::centered(in[1], zero_points(in, 3), ws[0] ? in[1].numel() / ws[0] : 1);
  ops::int_conv(n, x, xs, w, ws, nullptr, out[0].data<std::int32_t>());
}

}  // namespace
INFERLAB_REGISTER_OP({"ConvInteger", infer, run});
}  // namespace inferlab
