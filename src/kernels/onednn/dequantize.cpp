// DequantizeLinear of u8/s8 data with one (constant) scale and zero point as a oneDNN reorder:
// dst = scale * (src - zero_point), reading the int8 tensor in whatever layout its producer
// wrote (nhwc after an int8 convolution) and writing plain f32. Both operations are exact on
// the integers and the product rounds once, as in the reference kernel, so results are
// bitwise equal. Per-axis scales run the reference kernel. (QuantizeLinear stays there too:
// oneDNN would multiply by 1/scale where the operator divides, which can round differently.)
#include "kernels/onednn/onednn.h"
#include "ops/quant_util.h"

namespace inferlab::onednn {

std::optional<Built> build_dequantize(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (!n.has_input(0) || !n.has_input(1) || c.in[0].data.ndims == 0) return std::nullopt;
  const Value& x = g.value(n.inputs[0]);
  const Value& y = g.value(n.outputs[0]);
  if (x.dtype != DType::u8 && x.dtype != DType::i8) return std::nullopt;
  const Value& sv = g.value(n.inputs[1]);
  if (!sv.constant || sv.constant->numel() != 1 || y.shape.empty()) return std::nullopt;
  std::int32_t zp = 0;
  if (n.has_input(2)) {
    const Value& zv = g.value(n.inputs[2]);
    if (!zv.constant || zv.constant->numel() != 1) return std::nullopt;
    zp = ops::int_values(*zv.constant)[0];
  }
  dnnl::primitive_attr attr = scratch_attr();
  attr.set_output_scales(0, {ops::float_values(*sv.constant)[0]});
  if (zp != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
  const md dst = plain_md(y.shape);
  dnnl::reorder::primitive_desc pd;
  try {
    pd = dnnl::reorder::primitive_desc(c.eng, c.in[0], c.eng, dst, attr);
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built b;
  b.prim = dnnl::reorder(pd);
  b.impl = std::string("reorder:") + pd.impl_info_str();
  b.precision = "f32";  // a conversion into f32, not int8 arithmetic
  b.inputs.push_back({0, DNNL_ARG_FROM, c.in[0]});
  b.dst = dst;
  b.scratchpad = pd.scratchpad_desc();
  if (zp != 0) {
    dnnl::memory m(md({1}, dnnl::memory::data_type::s32, tag::x), c.eng);
    *static_cast<std::int32_t*>(m.get_data_handle()) = zp;
    b.constants[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC] = m;
  }
  return b;
}

}  // namespace inferlab::onednn
