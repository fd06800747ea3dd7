// QLinearMatMul (2-D, constant s8 right operand with zero point 0, per-tensor or per-column
// scales) as a oneDNN int8 matmul: u8/s8 left operand with its zero point (runtime attribute),
// the requantization a_scale * b_scale[n] / y_scale as output scales, the output zero point,
// u8/s8 result. Integer accumulation is exact and the float scaling is the reference kernel's
// (ops/qlinear_matmul.cpp), which the tests compare against. Anything else (batched, weight
// zero points, non-constant parameters) runs the reference kernel.
#include "kernels/onednn/onednn.h"
#include "ops/quant_util.h"

namespace inferlab::onednn {
namespace {

using dt = dnnl::memory::data_type;

std::optional<dt> int8_dt(DType t) {
  if (t == DType::u8) return dt::u8;
  if (t == DType::i8) return dt::s8;
  return std::nullopt;
}

const Tensor* const_in(const Node& n, const Graph& g, std::size_t i) {
  if (!n.has_input(i)) return nullptr;
  const Value& v = g.value(n.inputs[i]);
  return v.constant ? &*v.constant : nullptr;
}

dnnl::memory s32_scalar(const dnnl::engine& eng, std::int32_t v) {
  dnnl::memory m(md({1}, dt::s32, tag::x), eng);
  *static_cast<std::int32_t*>(m.get_data_handle()) = v;
  return m;
}

}  // namespace

// Inputs: 0 a, 1 a_scale, 2 a_zero_point, 3 b, 4 b_scale, 5 b_zero_point, 6 y_scale,
// 7 y_zero_point.
std::optional<Built> build_qlinear_matmul(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (n.inputs.size() != 8 || !n.has_input(0) || c.in[0].data.ndims == 0) return std::nullopt;
  const Value& av = g.value(n.inputs[0]);
  const Value& bv = g.value(n.inputs[3]);
  const Value& yv = g.value(n.outputs[0]);
  const auto at = int8_dt(av.dtype), yt = int8_dt(yv.dtype);
  if (!at || !yt || bv.dtype != DType::i8 || !bv.constant || av.shape.size() != 2 ||
      bv.shape.size() != 2)
    return std::nullopt;
  const Tensor *as = const_in(n, g, 1), *az = const_in(n, g, 2), *bs = const_in(n, g, 4),
               *bz = const_in(n, g, 5), *ys = const_in(n, g, 6), *yz = const_in(n, g, 7);
  if (!as || !az || !bs || !bz || !ys || !yz) return std::nullopt;
  for (std::int32_t z : ops::int_values(*bz))
    if (z != 0) return std::nullopt;
  const std::int64_t M = av.shape[0], K = av.shape[1], N = bv.shape[1];
  const auto b_scale = ops::float_values(*bs);
  if (b_scale.size() != 1 && static_cast<std::int64_t>(b_scale.size()) != N) return std::nullopt;
  const float a_scale = ops::float_values(*as)[0], y_scale = ops::float_values(*ys)[0];
  std::vector<float> scales(b_scale.size());
  for (std::size_t j = 0; j < scales.size(); ++j) scales[j] = a_scale * b_scale[j] / y_scale;
  const std::int32_t a_zp = ops::int_values(*az)[0], y_zp = ops::int_values(*yz)[0];

  dnnl::primitive_attr attr = scratch_attr();
  attr.set_output_scales(scales.size() == 1 ? 0 : 1 << 1, scales);
  if (a_zp != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
  if (y_zp != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
  const md src({M, K}, *at, tag::ab), w_any({K, N}, dt::s8, tag::any), dst({M, N}, *yt, tag::ab);
  dnnl::matmul::primitive_desc pd;
  try {
    pd = dnnl::matmul::primitive_desc({src, w_any, dst}, attr, c.eng);
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built b;
  b.prim = dnnl::matmul(pd);
  b.impl = pd.impl_info_str();
  b.inputs.push_back({0, DNNL_ARG_SRC, pd.src_desc()});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  b.constants[DNNL_ARG_WEIGHTS] =
      reorder_constant(c.eng, *bv.constant, md({K, N}, dt::s8, tag::ab), pd.weights_desc());
  if (a_zp != 0) b.constants[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC] = s32_scalar(c.eng, a_zp);
  if (y_zp != 0) b.constants[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST] = s32_scalar(c.eng, y_zp);
  return b;
}

}  // namespace inferlab::onednn
