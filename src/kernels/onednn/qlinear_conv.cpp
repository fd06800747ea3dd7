// QLinearConv (2-D) as a oneDNN int8 convolution: u8/s8 source with its zero point, s8 weights
// (symmetric, per tensor or per output channel), s32 bias, and the requantization
// x_scale * w_scale[m] / y_scale as per-channel output scales followed by the output zero
// point, writing u8/s8. oneDNN rounds half to even and saturates like the operator's reference
// kernel (ops/qlinear_conv.cpp). Source and destination layouts are left to oneDNN (nhwc for
// brgconv's VNNI kernels), so consecutive int8 convolutions pass int8 tensors with no reorder.
// Weights with a non-zero zero point, or non-constant quantization parameters, run the
// reference kernel.
#include "kernels/onednn/onednn.h"
#include "ops/quant_util.h"
#include "ops/spatial.h"

namespace inferlab::onednn {
namespace {

using dt = dnnl::memory::data_type;

std::optional<dt> int8_type(DType t) {
  if (t == DType::u8) return dt::u8;
  if (t == DType::i8) return dt::s8;
  return std::nullopt;
}

const Tensor* constant_input(const Node& n, const Graph& g, std::size_t i) {
  if (!n.has_input(i)) return nullptr;
  const Value& v = g.value(n.inputs[i]);
  return v.constant ? &*v.constant : nullptr;
}

// A zero-point memory for oneDNN's runtime zero points (one s32 value).
dnnl::memory zero_point_memory(const dnnl::engine& eng, std::int32_t zp) {
  dnnl::memory m(md({1}, dt::s32, tag::x), eng);
  *static_cast<std::int32_t*>(m.get_data_handle()) = zp;
  return m;
}

// inferlab.QLinearConvSum (inputs 9-11: the residual S, its scale and zero point): oneDNN's
// `sum` post-op adds (S - S_zp) * S_scale / y_scale to the scaled accumulator, before the output
// zero point; an S of the other 8-bit type is read from dst's bytes as its own type.
// The conv term is first clipped to the range of the conv's own output A (inputs 12, 13).
struct SumOperand {
  float scale = 1;
  std::int32_t zp = 0;
  dt type = dt::undef;
  float lo = 0, hi = 0;  // A's range in y units
};

std::optional<SumOperand> sum_operand(const Node& n, const Graph& g, float y_scale) {
  const Tensor *s = constant_input(n, g, 10), *z = constant_input(n, g, 11);
  const Tensor *as = constant_input(n, g, 12), *az = constant_input(n, g, 13);
  const auto t = int8_type(g.value(n.inputs[9]).dtype);
  if (!s || !z || !t || !as || !az || !int8_type(az->dtype())) return std::nullopt;
  const float a_mult = ops::float_values(*as)[0] / y_scale;
  const std::int32_t a_zp = ops::int_values(*az)[0];
  return SumOperand{ops::float_values(*s)[0] / y_scale, ops::int_values(*z)[0], *t,
                    static_cast<float>(ops::quant_min(az->dtype()) - a_zp) * a_mult,
                    static_cast<float>(ops::quant_max(az->dtype()) - a_zp) * a_mult};
}

}  // namespace

std::optional<Built> build_qlinear_conv(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  const bool with_sum = n.op_type == "QLinearConvSum";
  if (n.inputs.size() < (with_sum ? 14u : 8u) || !n.has_input(0) || c.in[0].data.ndims == 0)
    return std::nullopt;
  const Value& xv = g.value(n.inputs[0]);
  const Value& wv = g.value(n.inputs[3]);
  const Value& yv = g.value(n.outputs[0]);
  const auto xt = int8_type(xv.dtype), yt = int8_type(yv.dtype);
  if (!xt || !yt || wv.dtype != DType::i8 || !wv.constant || xv.shape.size() != 4)
    return std::nullopt;
  const Tensor *xs = constant_input(n, g, 1), *xz = constant_input(n, g, 2),
               *ws = constant_input(n, g, 4), *wz = constant_input(n, g, 5),
               *ys = constant_input(n, g, 6), *yz = constant_input(n, g, 7);
  if (!xs || !ws || !ys || (n.has_input(2) && !xz) || (n.has_input(5) && !wz) || !yz)
    return std::nullopt;
  if (wz)
    for (std::int32_t z : ops::int_values(*wz))
      if (z != 0) return std::nullopt;  // oneDNN has no weight zero points
  const Tensor* bias = nullptr;
  if (n.has_input(8)) {
    bias = constant_input(n, g, 8);
    if (!bias || bias->dtype() != DType::i32) return std::nullopt;
  }
  const Shape &x = xv.shape, &w = wv.shape, &y = yv.shape;
  const std::int64_t group = n.attrs.get_int("group", 1);
  const ops::Window win = ops::make_window(n, ops::spatial(x), ops::spatial(w));
  const float x_scale = ops::float_values(*xs)[0], y_scale = ops::float_values(*ys)[0];
  const auto w_scale = ops::float_values(*ws);
  std::vector<float> scales(static_cast<std::size_t>(w[0]));
  for (std::size_t m = 0; m < scales.size(); ++m)
    scales[m] = x_scale * w_scale[w_scale.size() == 1 ? 0 : m] / y_scale;
  const std::int32_t x_zp = xz ? ops::int_values(*xz)[0] : 0, y_zp = ops::int_values(*yz)[0];

  using dnnl::memory;
  const memory::dims wdims =
      group == 1 ? to_dims(w) : memory::dims{group, w[0] / group, w[1], w[2], w[3]};
  const md src_any(to_dims(x), *xt, tag::any), dst_any(to_dims(y), *yt, tag::any);
  const md w_any(wdims, dt::s8, tag::any), b_md({w[0]}, dt::s32, tag::x);
  const memory::dims strides(win.strides.begin(), win.strides.end());
  memory::dims dil(win.dilations.begin(), win.dilations.end());
  for (auto& d : dil) d -= 1;
  const memory::dims pl(win.pad_begin.begin(), win.pad_begin.end());
  const memory::dims pr(win.pad_end.begin(), win.pad_end.end());

  std::optional<SumOperand> sum;
  if (with_sum && !(sum = sum_operand(n, g, y_scale))) return std::nullopt;
  dnnl::primitive_attr attr = scratch_attr();
  attr.set_output_scales(1 << 1, scales);
  if (sum) {
    dnnl::post_ops po;
    po.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, sum->lo, sum->hi);
    po.append_sum(sum->scale, sum->zp, sum->type == *yt ? dt::undef : sum->type);
    attr.set_post_ops(po);
  }
  if (x_zp != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
  if (y_zp != 0) attr.set_zero_points(DNNL_ARG_DST, 0, {DNNL_RUNTIME_S32_VAL});
  dnnl::convolution_forward::primitive_desc pd;
  try {
    const auto d =
        bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                               dnnl::algorithm::convolution_direct, src_any, w_any,
                                               b_md, dst_any, strides, dil, pl, pr)
             : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                               dnnl::algorithm::convolution_direct, src_any, w_any,
                                               dst_any, strides, dil, pl, pr);
    pd = dnnl::convolution_forward::primitive_desc(d, attr, c.eng);
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built b;
  b.prim = dnnl::convolution_forward(pd);
  b.impl = pd.impl_info_str();
  b.inputs.push_back({0, DNNL_ARG_SRC, pd.src_desc()});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  if (sum) {
    b.sum_input = 9;
    b.precision = "i8";
    if (sum->type != *yt) {  // the same layout, in S's type
      dnnl_memory_desc_t d = b.dst.data;
      d.data_type = dnnl::memory::convert_to_c(sum->type);
      b.sum_desc = md(d);
    }
  }
  const md w_plain(wdims, dt::s8, group == 1 ? tag::oihw : tag::goihw);
  b.constants[DNNL_ARG_WEIGHTS] = reorder_constant(c.eng, *wv.constant, w_plain, pd.weights_desc());
  if (bias) b.constants[DNNL_ARG_BIAS] = reorder_constant(c.eng, *bias, b_md, pd.bias_desc());
  if (x_zp != 0)
    b.constants[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC] = zero_point_memory(c.eng, x_zp);
  if (y_zp != 0)
    b.constants[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST] = zero_point_memory(c.eng, y_zp);
  return b;
}

}  // namespace inferlab::onednn
