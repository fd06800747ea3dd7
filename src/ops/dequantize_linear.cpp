// DequantizeLinear (opsets 10 and 13): y = (x - x_zero_point) * x_scale, per tensor or, from
// opset 13, per axis. int32 inputs (bias-like tensors) must have a zero point of 0.
#include "ops/quant_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 3);
  const DType qtype = in[0]->dtype;
  if (!ops::is_quant_type(qtype) && qtype != DType::i32)
    unsupported("input of type {} is not supported (uint8, int8 or int32)", dtype_name(qtype));
  const std::int64_t axis = ops::quant_axis(n, in[1], in[0]->shape.size());
  ops::check_quant_inputs(in[1], ops::opt(in, 2), in[0]->shape, qtype, axis, "x");
  ops::set_output(out[0], DType::f32, in[0]->shape);
}

// Runs of `inner` elements share one scale and zero point: resolved once per run rather than
// by a division per element (constant folding dequantizes every weight of a QDQ model).
template <typename Q>
void dequantize(const Q* x, std::int64_t count, const ops::QuantParams& p, float* y) {
  const std::int64_t run = p.scale.size() == 1 ? count : std::max<std::int64_t>(p.inner, 1);
  for (std::int64_t b = 0; b < count; b += run) {
    const std::size_t c = p.at(b);
    const float s = p.scale[c];
    const std::int32_t z = p.zero_point[c];
    const std::int64_t end = std::min(count, b + run);
    for (std::int64_t i = b; i < end; ++i)
      y[i] = static_cast<float>(static_cast<std::int32_t>(x[i]) - z) * s;
  }
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Tensor zp = in.size() > 2 ? in[2] : Tensor();
  const ops::ConstantValues cv(in);
  const std::int64_t axis = ops::quant_axis(n, cv.ptrs[1], in[0].rank());
  const ops::QuantParams p = ops::quant_params(in[1], zp, in[0].shape(), axis);
  float* y = out[0].data<float>();
  switch (in[0].dtype()) {
    case DType::u8:
      return dequantize(in[0].data<std::uint8_t>(), in[0].numel(), p, y);
    case DType::i8:
      return dequantize(in[0].data<std::int8_t>(), in[0].numel(), p, y);
    default:
      return dequantize(in[0].data<std::int32_t>(), in[0].numel(), p, y);
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"DequantizeLinear", infer, run, true, {1, 2}});
}  // namespace inferlab
