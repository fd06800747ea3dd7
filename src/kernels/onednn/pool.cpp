// Max/average pooling (2-D, f32; max pooling also u8/s8) in whatever layout the input arrives
// (blocked stays blocked). ceil_mode is expressed as extra right padding; global pooling as a
// full-size window.
#include "kernels/onednn/onednn.h"
#include "ops/spatial.h"

namespace inferlab::onednn {

std::optional<Built> build_pool(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (!n.has_input(0) || c.in[0].data.ndims == 0) return std::nullopt;
  for (std::size_t i = 1; i < n.outputs.size(); ++i)
    if (!n.outputs[i].empty()) return std::nullopt;  // MaxPool indices
  const Value& xv = g.value(n.inputs[0]);
  const Value& yv = g.value(n.outputs[0]);
  const bool global = n.op_type.rfind("Global", 0) == 0;
  const bool is_max = n.op_type == "MaxPool" || n.op_type == "GlobalMaxPool";
  // Max pooling of u8/s8 data (quantized models) is exact in oneDNN; average pooling of
  // integers would round differently from the reference kernel and stays there.
  const bool int8 = xv.dtype == DType::u8 || xv.dtype == DType::i8;
  if (!(xv.dtype == DType::f32 || (int8 && is_max)) || xv.shape.size() != 4) return std::nullopt;
  const Shape &x = xv.shape, &y = yv.shape;
  dnnl::memory::dims kernel, strides{1, 1}, pl{0, 0}, pr{0, 0};
  dnnl::algorithm alg =
      is_max ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
  if (global) {
    kernel = {x[2], x[3]};
  } else {
    const auto ks = n.attrs.get_ints("kernel_shape");
    if (ks.size() != 2) return std::nullopt;
    for (auto d : n.attrs.get_ints("dilations", {1, 1}))
      if (d != 1) return std::nullopt;
    const bool ceil = n.attrs.get_int("ceil_mode", 0) != 0;
    const ops::Window win = ops::make_window(n, ops::spatial(x), ks, ceil);
    if (!is_max && n.attrs.get_int("count_include_pad", 0) != 0) {
      if (ceil) return std::nullopt;  // the implicit ceil padding must not be counted
      alg = dnnl::algorithm::pooling_avg_include_padding;
    }
    kernel = {ks[0], ks[1]};
    strides = {win.strides[0], win.strides[1]};
    for (int i = 0; i < 2; ++i) {
      pl[i] = win.pad_begin[i];
      // Right padding that yields exactly the output size (covers ceil_mode).
      pr[i] = (y[2 + i] - 1) * win.strides[i] + ks[i] - x[2 + i] - win.pad_begin[i];
      if (pr[i] < 0) pr[i] = 0;
    }
  }
  // In the input's data type (bf16 after a bf16 convolution).
  const md dst_any(to_dims(y), c.in[0].data_type(), tag::any);
  dnnl::pooling_forward::primitive_desc pd;
  try {
    pd = {{dnnl::prop_kind::forward_inference, alg, c.in[0], dst_any, strides, kernel, pl, pr},
          scratch_attr(),
          c.eng};
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  return single_source_step<dnnl::pooling_forward>(pd);
}

}  // namespace inferlab::onednn
