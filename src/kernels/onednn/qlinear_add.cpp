// QLinearAdd (com.microsoft) of two equally shaped 8-bit tensors with zero points 0 as a oneDNN
// int8 binary add: C = saturate(round_half_even(A * (A_scale / C_scale) + B * (B_scale /
// C_scale))), the input scales as binary src scales, u8/s8 each. This is the residual Add of a
// quantized ResNet (s8 branches, u8 sum before the folded Relu); it keeps the tensors int8 and in
// the convolutions' nhwc layout. Non-zero zero points (oneDNN 2.6's binary has none),
// broadcasting or blocked layouts run the reference kernel (ops/qlinear_add.cpp).
#include "kernels/onednn/onednn.h"
#include "ops/quant_util.h"

namespace inferlab::onednn {
namespace {

using dt = dnnl::memory::data_type;

std::optional<dt> int8_of(DType t) {
  if (t == DType::u8) return dt::u8;
  if (t == DType::i8) return dt::s8;
  return std::nullopt;
}

// A constant per-tensor parameter of the node, or nullopt.
std::optional<float> scalar(const Node& n, const Graph& g, std::size_t i) {
  if (!n.has_input(i)) return std::nullopt;
  const Value& v = g.value(n.inputs[i]);
  if (!v.constant || v.constant->numel() != 1) return std::nullopt;
  return ops::float_values(*v.constant)[0];
}

// The same dimensions and strides as `d` (plain, e.g. nhwc) in another data type.
std::optional<md> retyped(const md& d, dt t) {
  if (d.data.format_kind != dnnl_blocked || d.data.format_desc.blocking.inner_nblks != 0)
    return std::nullopt;
  const auto& st = d.data.format_desc.blocking.strides;
  return md(d.dims(), t, dnnl::memory::dims(st, st + d.data.ndims));
}

}  // namespace

std::optional<Built> build_qlinear_add(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (n.inputs.size() < 8 || !n.has_input(0) || !n.has_input(3)) return std::nullopt;
  if (c.in[0].data.ndims == 0) return std::nullopt;
  const Value &a = g.value(n.inputs[0]), &b = g.value(n.inputs[3]), &y = g.value(n.outputs[0]);
  const auto ta = int8_of(a.dtype), tb = int8_of(b.dtype), ty = int8_of(y.dtype);
  if (!ta || !tb || !ty || a.shape != b.shape || a.shape != y.shape) return std::nullopt;
  for (std::size_t z : {2, 5, 7}) {
    const auto v = n.has_input(z) ? scalar(n, g, z) : std::optional<float>(0.f);
    if (!v || *v != 0.f) return std::nullopt;
  }
  const auto sa = scalar(n, g, 1), sb = scalar(n, g, 4), sc = scalar(n, g, 6);
  if (!sa || !sb || !sc) return std::nullopt;
  const auto src1 = retyped(c.in[0], *tb), dst = retyped(c.in[0], *ty);
  if (!src1 || !dst) return std::nullopt;
  dnnl::primitive_attr attr = scratch_attr();
  attr.set_scales(DNNL_ARG_SRC_0, 0, {*sa / *sc});
  attr.set_scales(DNNL_ARG_SRC_1, 0, {*sb / *sc});
  dnnl::binary::primitive_desc pd;
  try {
    pd = {{dnnl::algorithm::binary_add, c.in[0], *src1, *dst}, attr, c.eng};
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built bt;
  bt.prim = dnnl::binary(pd);
  bt.impl = pd.impl_info_str();
  bt.inputs.push_back({0, DNNL_ARG_SRC_0, pd.src0_desc()});
  bt.inputs.push_back({3, DNNL_ARG_SRC_1, pd.src1_desc()});
  bt.dst = pd.dst_desc();
  bt.scratchpad = pd.scratchpad_desc();
  return bt;
}

}  // namespace inferlab::onednn
