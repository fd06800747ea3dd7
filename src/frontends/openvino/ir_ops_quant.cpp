// FakeQuantize (quantized IRs) composed from ONNX ops, in f32:
//   y = floor((clamp(x, il, ih) - il) * (levels - 1) / (ih - il) + 0.5) * (oh - ol) / (levels - 1)
//       + ol
// which is OpenVINO's definition (values at or below the input range map to ol, above it to oh;
// the rounding argument is never negative, so floor(v + 0.5) rounds half away from zero as
// OpenVINO does). The ranges must be constants; the step factors are folded here.
#include <cmath>

#include "frontends/openvino/ir_builder.h"

namespace inferlab::ir_import {

namespace {

// (a - b) * k element-wise over two broadcastable constants, as a new f32 constant.
Tensor scaled_difference(const Tensor& a, const Tensor& b, float k, bool invert,
                         const std::string& what) {
  const Shape s = broadcast_shapes(a.shape(), b.shape(), what);
  Tensor out(DType::f32, s);
  if (a.numel() != shape_numel(s) && a.numel() != 1)
    unsupported("{}: ranges of other shapes", what);
  if (b.numel() != shape_numel(s) && b.numel() != 1)
    unsupported("{}: ranges of other shapes", what);
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    const double d = a.at_f64(a.numel() == 1 ? 0 : i) - b.at_f64(b.numel() == 1 ? 0 : i);
    if (invert && d == 0) fail("{}: an empty input range", what);
    out.data<float>()[i] = static_cast<float>(invert ? k / d : d * k);
  }
  return out;
}

void convert_fake_quantize(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 5);
  const std::int64_t levels = b.int_attr(l, "levels", 0);
  if (levels < 2) fail("{}: levels must be at least 2 (got {})", b.where(l), levels);
  const Tensor* r[4];
  for (int i = 0; i < 4; ++i) {
    r[i] = b.constant_of(l.inputs[static_cast<std::size_t>(i + 1)]);
    if (!r[i]) unsupported("{}: ranges computed at run time are not supported", b.where(l));
  }
  const std::string what = b.where(l);
  const float steps = static_cast<float>(levels - 1);
  const std::string in_scale =
      b.constant(l.name + "/in_scale", scaled_difference(*r[1], *r[0], steps, true, what));
  const std::string out_scale =
      b.constant(l.name + "/out_scale", scaled_difference(*r[3], *r[2], 1.0f / steps, false, what));
  auto f32 = [&](const Tensor& t, const char* n) {
    return b.constant(l.name + n, t.cast(DType::f32));
  };
  const std::string il = f32(*r[0], "/il"), ih = f32(*r[1], "/ih"), ol = f32(*r[2], "/ol");
  Tensor half(DType::f32, {});
  half.data<float>()[0] = 0.5f;
  const std::string h = b.constant(l.name + "/half", half);
  std::string v = l.inputs[0];
  const std::pair<const char*, std::string> steps_ops[] = {
      {"Max", il}, {"Min", ih}, {"Sub", il}, {"Mul", in_scale}, {"Add", h}};
  for (const auto& [op, c] : steps_ops) {
    const std::string out = b.temp(l.name + "/" + op);
    b.add(l, op, {v, c}, {out});
    v = out;
  }
  const std::string q = b.temp(l.name + "/Floor");
  b.add(l, "Floor", {v}, {q});
  const std::string scaled = b.temp(l.name + "/dequantized");
  b.add(l, "Mul", {q, out_scale}, {scaled});
  b.add(l, "Add", {scaled, ol}, {l.outputs[0]});
}

}  // namespace

INFERLAB_IR_OP("FakeQuantize", convert_fake_quantize);

}  // namespace inferlab::ir_import
