// Softmax / LogSoftmax over the last axis (where opset < 13's flatten-at-axis semantics and
// opset 13's single-axis semantics agree), on plain f32 data. Other axes use the reference.
#include "kernels/onednn/onednn.h"

namespace inferlab::onednn {

std::optional<Built> build_softmax(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (!n.has_input(0) || c.in[0].data.ndims == 0) return std::nullopt;
  const Value& x = g.value(n.inputs[0]);
  if (x.dtype != DType::f32 || x.shape.empty()) return std::nullopt;
  const int rank = static_cast<int>(x.shape.size());
  const int axis =
      normalize_axis(n.attrs.get_int("axis", n.opset < 13 ? 1 : -1), x.shape.size(), "axis");
  if (axis != rank - 1 && n.opset < 13) return std::nullopt;
  const md src = plain_md(x.shape);
  const bool log = n.op_type == "LogSoftmax";
  Built b;
  try {
    if (log) {
      dnnl::logsoftmax_forward::primitive_desc pd({dnnl::prop_kind::forward_inference, src, axis},
                                                  scratch_attr(), c.eng);
      b.prim = dnnl::logsoftmax_forward(pd);
      b.impl = pd.impl_info_str();
      b.dst = pd.dst_desc();
      b.scratchpad = pd.scratchpad_desc();
    } else {
      dnnl::softmax_forward::primitive_desc pd({dnnl::prop_kind::forward_inference, src, axis},
                                               scratch_attr(), c.eng);
      b.prim = dnnl::softmax_forward(pd);
      b.impl = pd.impl_info_str();
      b.dst = pd.dst_desc();
      b.scratchpad = pd.scratchpad_desc();
    }
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  b.inputs.push_back({0, DNNL_ARG_SRC, src});
  return b;
}

}  // namespace inferlab::onednn
