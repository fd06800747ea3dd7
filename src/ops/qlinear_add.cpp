// QLinearAdd (com.microsoft, ONNX Runtime's contrib operator): broadcast addition of two
// quantized tensors, C = saturate(round_half_even((A - A_zp) * A_scale / C_scale
// + (B - B_zp) * B_scale / C_scale) + C_zp), the arithmetic ONNX Runtime's MLAS kernel uses.
// All scales and zero points are per tensor and constant. ONNX Runtime takes one 8-bit type for
// A, B and C; this kernel also takes them mixed (u8/s8 each, C's type from its zero point), the
// form the QDQ fusion pass (passes/fuse_qdq.cpp) emits for a quantized ResNet's s8 branches
// added into a u8 Relu output.
#include "ops/quant_util.h"

namespace inferlab {
namespace {

// Inputs: 0 A, 1 A_scale, 2 A_zero_point, 3 B, 4 B_scale, 5 B_zero_point, 6 C_scale,
// 7 C_zero_point. Zero points are optional (empty names).
void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 7, 8);
  if (!in[4]) fail("required input 4 (B_scale) is missing");
  ops::require_quant_type(in[0], "A");
  ops::require_quant_type(in[3], "B");
  const DType t = in.size() > 7 && in[7] ? in[7]->dtype : in[0]->dtype;
  const Shape c = broadcast_shapes(in[0]->shape, in[3]->shape, "A and B");
  ops::check_quant_inputs(in[1], ops::opt(in, 2), in[0]->shape, in[0]->dtype, -1, "A");
  ops::check_quant_inputs(in[4], ops::opt(in, 5), in[3]->shape, in[3]->dtype, -1, "B");
  ops::check_quant_inputs(in[6], ops::opt(in, 7), c, t, -1, "C");
  ops::set_output(out[0], t, c);
}

std::int32_t zero_point(const std::vector<Tensor>& in, std::size_t i) {
  return i < in.size() && !in[i].empty() ? ops::int_values(in[i])[0] : 0;
}

template <typename QA, typename QB, typename QC>
void add(const std::vector<Tensor>& in, Tensor& out) {
  const float c_scale = ops::float_values(in[6])[0];
  const float ra = ops::float_values(in[1])[0] / c_scale,
              rb = ops::float_values(in[4])[0] / c_scale;
  const std::int32_t za = zero_point(in, 2), zb = zero_point(in, 5), zc = zero_point(in, 7);
  const QA* a = in[0].data<QA>();
  const QB* b = in[3].data<QB>();
  QC* c = out.data<QC>();
  const std::int32_t lo = std::numeric_limits<QC>::min(), hi = std::numeric_limits<QC>::max();
  ops::for_each_broadcast(in[0].shape(), in[3].shape(), out.shape(),
                          [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                            const float v = static_cast<float>(a[ia] - za) * ra +
                                            static_cast<float>(b[ib] - zb) * rb;
                            c[o] = static_cast<QC>(ops::round_saturate(v, zc, lo, hi));
                          });
}

template <typename QA, typename QB>
void add_to(const std::vector<Tensor>& in, Tensor& out) {
  if (out.dtype() == DType::u8) {
    add<QA, QB, std::uint8_t>(in, out);
  } else {
    add<QA, QB, std::int8_t>(in, out);
  }
}

template <typename QA>
void add_b(const std::vector<Tensor>& in, Tensor& out) {
  if (in[3].dtype() == DType::u8) {
    add_to<QA, std::uint8_t>(in, out);
  } else {
    add_to<QA, std::int8_t>(in, out);
  }
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  if (in[0].dtype() == DType::u8) {
    add_b<std::uint8_t>(in, out[0]);
  } else {
    add_b<std::int8_t>(in, out[0]);
  }
}

}  // namespace
// A, A_scale, A_zero_point?, B, B_scale, B_zero_point?, C_scale, C_zero_point?
INFERLAB_REGISTER_OP(
    {"QLinearAdd", infer, run, true, {1, 2, 4, 5, 6, 7}, {7, 8}, {1, 1}, "com.microsoft"});
}  // namespace inferlab
