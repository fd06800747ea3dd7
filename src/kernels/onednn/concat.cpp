// Concat of activations (f32, or bf16 under that precision) along any axis, each input in its
// own layout.
#include "kernels/onednn/onednn.h"

namespace inferlab::onednn {

std::optional<Built> build_concat(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  const Value& y = g.value(n.outputs[0]);
  if (y.dtype != DType::f32 || y.shape.empty() || n.inputs.empty()) return std::nullopt;
  std::vector<md> srcs;
  for (std::size_t i = 0; i < n.inputs.size(); ++i) {
    if (!n.has_input(i) || c.in[i].data.ndims == 0) return std::nullopt;
    if (shape_numel(g.value(n.inputs[i]).shape) == 0) return std::nullopt;
    srcs.push_back(c.in[i]);
  }
  const int axis = normalize_axis(n.attrs.get_int("axis"), y.shape.size(), "Concat axis");
  // Inputs of mixed data types (bf16 and f32) go to the reference kernel on f32 copies.
  for (const auto& s : srcs)
    if (s.data_type() != srcs[0].data_type()) return std::nullopt;
  // A blocked output only when every input is blocked the same way; else plain.
  const auto dt = srcs[0].data_type();
  const auto st = shape_strides(y.shape);
  md dst(to_dims(y.shape), dt, dnnl::memory::dims(st.begin(), st.end()));
  bool same = true;
  for (const auto& s : srcs)
    if (layout_name(s) != layout_name(srcs[0])) same = false;
  if (same && layout_name(srcs[0]) != layout_name(plain_md(g.value(n.inputs[0]).shape)))
    dst = md(to_dims(y.shape), dt, tag::any);
  dnnl::concat::primitive_desc pd;
  try {
    pd = dnnl::concat::primitive_desc(dst, axis, srcs, c.eng, scratch_attr());
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built b;
  b.prim = dnnl::concat(pd);
  b.impl = pd.impl_info_str();
  for (std::size_t i = 0; i < srcs.size(); ++i)
    b.inputs.push_back({static_cast<int>(i), DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i),
                        pd.src_desc(static_cast<int>(i))});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  return b;
}

}  // namespace inferlab::onednn
