// Convolution (2-D, f32, constant weights) with fused post-ops. Source, weights and
// destination use format_tag::any so oneDNN picks its blocked layouts (nChw16c on AVX-512);
// weights are reordered into the chosen layout once here.
//
// Algorithm choice (CompileOptions::conv_algo): direct always uses direct convolution,
// winograd uses Winograd wherever oneDNN has an implementation for the layer, automatic uses
// Winograd for 3x3 stride-1 undilated ungrouped convs with at least 64 input and output
// channels (where it measured 1.4-3.2x faster than brgconv on ResNet here, see docs/engine.md)
// and direct elsewhere.
//
// A `depthwise` post-op (a 1x1 conv fused with the 3x3 depthwise conv after it) becomes oneDNN's
// fused depthwise post-op: one primitive computes both, with the depthwise weights and bias as
// extra constant arguments.
#include <cstdlib>

#include "kernels/onednn/onednn.h"
#include "ops/spatial.h"
#include "passes/passes.h"

namespace inferlab::onednn {
namespace {

bool winograd_candidate(const Shape& x, const Shape& w, const ops::Window& win,
                        std::int64_t group) {
  return group == 1 && w[2] == 3 && w[3] == 3 && win.strides[0] == 1 && win.strides[1] == 1 &&
         win.dilations[0] == 1 && win.dilations[1] == 1 && x[1] >= 64 && w[0] >= 64;
}

bool has_depthwise(const Node& n) {
  for (const PostOp& p : n.post_ops)
    if (p.kind == PostOpKind::depthwise) return true;
  return false;
}

// The fused depthwise conv's weights [C, 1, 3, 3] and bias [C], constant f32, C the 1x1
// conv's output channels.
bool dw_operands_ok(const Node& n, const Graph& g) {
  if (!n.has_input(4) || !n.has_input(5)) return false;
  const Value& w = g.value(n.inputs[4]);
  const Value& b = g.value(n.inputs[5]);
  const std::int64_t c = g.value(n.inputs[1]).shape[0];
  return w.constant && b.constant && w.dtype == DType::f32 && b.dtype == DType::f32 &&
         w.shape == Shape{c, 1, 3, 3} && b.shape == Shape{c};
}

// The depthwise post-op's weights and bias, reordered into the layouts the fused primitive
// wants (oneDNN passes them as DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS / _BIAS).
void add_depthwise_constants(const Node& n, const Graph& g,
                             const dnnl::convolution_forward::primitive_desc& pd,
                             const dnnl::engine& eng, Built& b) {
  using dnnl::memory;
  const std::int64_t c = g.value(n.inputs[1]).shape[0];
  const int wa = DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_WEIGHTS;
  const int ba = DNNL_ARG_ATTR_POST_OP_DW | DNNL_ARG_BIAS;
  const md w_plain({c, 1, 1, 3, 3}, memory::data_type::f32, tag::goihw);
  const md b_plain({c}, memory::data_type::f32, tag::x);
  b.constants[wa] = reorder_constant(eng, *g.value(n.inputs[4]).constant, w_plain,
                                     pd.query_md(dnnl::query::exec_arg_md, wa));
  b.constants[ba] = reorder_constant(eng, *g.value(n.inputs[5]).constant, b_plain,
                                     pd.query_md(dnnl::query::exec_arg_md, ba));
}

}  // namespace

std::optional<Built> build_conv(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (!n.has_input(0) || !n.has_input(1) || c.in[0].data.ndims == 0) return std::nullopt;
  const Value& xv = g.value(n.inputs[0]);
  const Value& wv = g.value(n.inputs[1]);
  const Value& yv = g.value(n.outputs[0]);
  if (xv.dtype != DType::f32 || xv.shape.size() != 4 || !wv.constant) return std::nullopt;
  const Tensor* bias = nullptr;
  if (n.has_input(2)) {
    if (!g.value(n.inputs[2]).constant) return std::nullopt;
    bias = &*g.value(n.inputs[2]).constant;
  }
  const Shape &x = xv.shape, &w = wv.shape, &y = yv.shape;
  const std::int64_t group = n.attrs.get_int("group", 1);
  const ops::Window win = ops::make_window(n, ops::spatial(x), ops::spatial(w));
  using dnnl::memory;
  memory::dims wdims =
      group == 1 ? to_dims(w) : memory::dims{group, w[0] / group, w[1], w[2], w[3]};
  // Activations with channels a multiple of 16 are kept in nChw16c, the layout every fp32
  // AVX-512 convolution (brgconv, Winograd) and pooling accepts: mixing brgconv's own choice
  // (nhwc) with Winograd layers (nChw16c only) would put a reorder around every Winograd layer.
  // Under bf16 there is no Winograd to accommodate: oneDNN's own choice (nhwc, for brgconv's
  // bf16 kernels) is kept.
  const char* pol = std::getenv("INFERLAB_CONV_LAYOUT");
  const bool blocked_policy =
      c.options.precision == Precision::f32 && (!pol || std::string(pol) == "blocked");
  // Strided spatial convolutions with at least 64 output channels (ResNet-50's 7x7 stem and its
  // three stride-2 3x3 layers) are the exception: in nChw16c oneDNN 2.6 runs them on
  // `jit:avx512_core` at 50-85% of peak, in nhwc on `brgconv` at 82-97%, which pays for the
  // reorders into and out of them (docs/engine.md, "Strided convolutions in nhwc"). Narrower
  // ones (MobileNetV2's 32-channel stem) were not measured to gain and stay blocked.
  const bool strided_nhwc = blocked_policy && group == 1 && (w[2] > 1 || w[3] > 1) &&
                            (win.strides[0] > 1 || win.strides[1] > 1) && w[0] >= 64;
  auto act_tag = [&](std::int64_t ch) {
    if (strided_nhwc) return tag::nhwc;
    return blocked_policy && ch % 16 == 0 ? tag::nChw16c : tag::any;
  };
  // Under bf16, source, weights and destination are bf16 (oneDNN accumulates in f32), the bias
  // stays f32: tensors then stay bf16 from one convolution to the next.
  const memory::data_type dt = compute_type(c);
  // With a fused depthwise post-op (passes/fuse_depthwise.cpp) the convolution's own output is
  // the 1x1 result, of x's spatial size; the primitive's destination is the depthwise output y.
  const bool dw = has_depthwise(n);
  if (dw && !dw_operands_ok(n, g)) return std::nullopt;
  const Shape conv_y = dw ? Shape{x[0], w[0], x[2], x[3]} : y;
  md src_any(to_dims(x), dt, act_tag(x[1]));
  const md w_any(wdims, dt, tag::any);
  const md b_md({w[0]}, memory::data_type::f32, tag::x);
  md dst_any(to_dims(conv_y), dt, act_tag(conv_y[1]));
  const memory::dims strides(win.strides.begin(), win.strides.end());
  memory::dims dil(win.dilations.begin(), win.dilations.end());
  for (auto& d : dil) d -= 1;
  const memory::dims pl(win.pad_begin.begin(), win.pad_begin.end());
  const memory::dims pr(win.pad_end.begin(), win.pad_end.end());

  const dnnl::primitive_attr attr = post_op_attr(n);
  auto make = [&](dnnl::algorithm alg) {
    const auto d =
        bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, alg, src_any,
                                               w_any, b_md, dst_any, strides, dil, pl, pr)
             : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, alg, src_any,
                                               w_any, dst_any, strides, dil, pl, pr);
    return dnnl::convolution_forward::primitive_desc(d, attr, c.eng);
  };
  const ConvAlgo algo = c.options.conv_algo;  // validated by Core::compile_model
  const bool want_wino =
      !dw && (algo == ConvAlgo::winograd
                  ? group == 1
                  : algo == ConvAlgo::automatic && winograd_candidate(x, w, win, group));
  dnnl::convolution_forward::primitive_desc pd;
  bool have = false;
  if (want_wino) {
    try {
      pd = make(dnnl::algorithm::convolution_winograd);
      have = true;
    } catch (const dnnl::error&) {
      // No Winograd implementation for this shape/ISA: direct convolution below.
    }
  }
  if (!have) {
    try {
      pd = make(dnnl::algorithm::convolution_direct);
    } catch (const dnnl::error&) {
      return std::nullopt;
    }
  }
  // oneDNN 2.6 has only its reference kernel for some grouped convolutions in nChw16c (RegNetY's
  // 8-channel groups): oneDNN's own layout choice then, with the reorders around the layer.
  if (std::string(pd.impl_info_str()).rfind("ref", 0) == 0 && !dw &&
      (src_any.data.format_kind != dnnl_format_kind_any ||
       dst_any.data.format_kind != dnnl_format_kind_any)) {
    src_any = md(to_dims(x), dt, tag::any);
    dst_any = md(to_dims(conv_y), dt, tag::any);
    try {
      auto own = make(dnnl::algorithm::convolution_direct);
      if (std::string(own.impl_info_str()).rfind("ref", 0) != 0) pd = own;
    } catch (const dnnl::error&) {
      // Keep the reference kernel in the fixed layout.
    }
  }
  if (pd.dst_desc().dims() != to_dims(y)) return std::nullopt;  // dw padding differs from ONNX's
  Built b;
  b.prim = dnnl::convolution_forward(pd);
  b.impl = pd.impl_info_str();
  b.inputs.push_back({0, DNNL_ARG_SRC, pd.src_desc()});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  const md w_plain(wdims, memory::data_type::f32, group == 1 ? tag::oihw : tag::goihw);
  b.constants[DNNL_ARG_WEIGHTS] = reorder_constant(c.eng, *wv.constant, w_plain, pd.weights_desc());
  if (bias) b.constants[DNNL_ARG_BIAS] = reorder_constant(c.eng, *bias, b_md, pd.bias_desc());
  if (dw) add_depthwise_constants(n, g, pd, c.eng, b);
  if (n.has_input(3)) b.sum_input = 3;
  return b;
}

}  // namespace inferlab::onednn
