// DynamicQuantizeLinear: uint8 quantization of x with a scale and zero point computed from x's
// range (widened to include 0): scale = (max - min) / 255, zero point = round(-min / scale).
#include "ops/quant_util.h"

namespace inferlab {
namespace {

void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::require_float(in[0]);
  ops::set_output(out[0], DType::u8, in[0]->shape);
  if (out.size() > 1) ops::set_output(out[1], DType::f32, {});
  if (out.size() > 2) ops::set_output(out[2], DType::u8, {});
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const float* x = in[0].data<float>();
  const std::int64_t count = in[0].numel();
  float lo = 0.f, hi = 0.f;
  for (std::int64_t i = 0; i < count; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const float scale = (hi - lo) / 255.f;
  // An all-zero input has no range: scale 0, zero point 0 and every value 0 (as ONNX Runtime).
  const std::int32_t zp = scale > 0.f ? ops::round_saturate(-lo / scale, 0, 0, 255) : 0;
  std::uint8_t* y = out[0].data<std::uint8_t>();
  for (std::int64_t i = 0; i < count; ++i)
    y[i] =
        scale > 0.f ? static_cast<std::uint8_t>(ops::round_saturate(x[i] / scale, zp, 0, 255)) : 0;
  if (out.size() > 1 && !out[1].empty()) out[1].data<float>()[0] = scale;
  if (out.size() > 2 && !out[2].empty())
    out[2].data<std::uint8_t>()[0] = static_cast<std::uint8_t>(zp);
}

}  // namespace
// y, y_scale, y_zero_point
INFERLAB_REGISTER_OP({"DynamicQuantizeLinear", infer, run, true, {}, {1, 1}, {3, 3}});
}  // namespace inferlab
