// Transpose of an f32 tensor as one oneDNN reorder: the output, plain in its own dimensions, is
// described in the input's dimensions with permuted strides, so the reorder reads the input in
// whatever layout it has (e.g. nChw16c) and writes the transposed plain tensor directly
// (SSD's NCHW -> NHWC head outputs need no separate reorder to plain first).
#include <numeric>

#include "kernels/onednn/onednn.h"

namespace inferlab::onednn {

std::optional<Built> build_transpose(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (!n.has_input(0) || c.in[0].data.ndims == 0) return std::nullopt;
  const Value& x = g.value(n.inputs[0]);
  const Value& y = g.value(n.outputs[0]);
  if (x.dtype != DType::f32 || x.shape.empty()) return std::nullopt;
  const std::size_t r = x.shape.size();
  std::vector<std::int64_t> perm = n.attrs.get_ints("perm", {});
  if (perm.empty()) {
    perm.resize(r);
    std::iota(perm.rbegin(), perm.rend(), 0);
  }
  if (perm.size() != r) return std::nullopt;
  const auto out_strides = shape_strides(y.shape);
  dnnl::memory::dims strides(r);
  for (std::size_t i = 0; i < r; ++i) strides[perm[i]] = out_strides[i];
  const md written(to_dims(x.shape), dnnl::memory::data_type::f32, strides);
  dnnl::reorder::primitive_desc pd;
  try {
    pd = dnnl::reorder::primitive_desc(c.eng, c.in[0], c.eng, written, scratch_attr());
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built b;
  b.prim = dnnl::reorder(pd);
  b.impl = std::string("reorder:") + pd.impl_info_str();
  b.inputs.push_back({0, DNNL_ARG_FROM, c.in[0]});
  b.dst = written;
  b.dst_value = plain_md(y.shape);
  b.scratchpad = pd.scratchpad_desc();
  return b;
}

}  // namespace inferlab::onednn
