// Add/Sub/Mul/Div of f32 tensors as oneDNN binary. The first operand must have the output's
// shape (its layout is kept, blocked or not); the second has the same shape (brought into the
// first one's layout) or broadcasts to it (plain, with 1s on broadcast dimensions, e.g. a
// per-channel scale [1, C, 1, 1] or a per-pixel norm [N, 1, H, W]); for Add and Mul the operands
// swap when the first one broadcasts. Other cases (a broadcasting first operand of Sub/Div,
// integer types) run the reference kernel.
#include "kernels/onednn/onednn.h"

namespace inferlab::onednn {

std::optional<Built> build_binary(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (n.inputs.size() != 2 || !n.has_input(0) || !n.has_input(1)) return std::nullopt;
  if (c.in[0].data.ndims == 0 || c.in[1].data.ndims == 0) return std::nullopt;
  const Value& y = g.value(n.outputs[0]);
  // Add and Mul commute: a broadcasting first operand (a squeeze-excitation's `scale * x`)
  // becomes oneDNN's second source.
  const bool commutes = n.op_type == "Add" || n.op_type == "Mul";
  const int i0 =
      commutes && g.value(n.inputs[0]).shape != y.shape && g.value(n.inputs[1]).shape == y.shape
          ? 1
          : 0;
  const int i1 = 1 - i0;
  const Value& a = g.value(n.inputs[i0]);
  const Value& bv = g.value(n.inputs[i1]);
  if (a.dtype != DType::f32 || bv.dtype != DType::f32 || a.shape != y.shape || y.shape.empty() ||
      bv.shape.size() > y.shape.size())
    return std::nullopt;
  using dnnl::algorithm;
  const algorithm alg = n.op_type == "Add"   ? algorithm::binary_add
                        : n.op_type == "Sub" ? algorithm::binary_sub
                        : n.op_type == "Mul" ? algorithm::binary_mul
                                             : algorithm::binary_div;
  md src1 = c.in[i0];
  if (bv.shape != y.shape) {
    Shape b(y.shape.size() - bv.shape.size(), 1);
    b.insert(b.end(), bv.shape.begin(), bv.shape.end());
    src1 = plain_md(b);
  }
  // The first operand's own layout first; when oneDNN 2.6 has only its reference kernel for it
  // (a broadcasting operand over nChw16c data, e.g. SSD300's L2 norm: ~100x slower than its jit
  // kernel), the plain layouts, into which the plan reorders the operand (docs/engine.md).
  std::vector<md> layouts{c.in[i0]};
  if (y.shape.size() == 4 && bv.shape != y.shape) {
    const auto dt = c.in[i0].data_type();
    layouts.push_back(md(to_dims(y.shape), dt, tag::nchw));
    layouts.push_back(md(to_dims(y.shape), dt, tag::nhwc));
  }
  dnnl::binary::primitive_desc pd;
  bool have = false;
  for (const md& l : layouts) {
    try {
      const dnnl::binary::primitive_desc cand({alg, l, src1, l}, scratch_attr(), c.eng);
      const bool reference = std::string(cand.impl_info_str()).rfind("ref", 0) == 0;
      if (!have || (!reference && std::string(pd.impl_info_str()).rfind("ref", 0) == 0)) {
        pd = cand;
        have = true;
      }
      if (!reference) break;
    } catch (const dnnl::error&) {
      // No implementation for this layout: try the next one.
    }
  }
  if (!have) return std::nullopt;
  Built b;
  b.prim = dnnl::binary(pd);
  b.impl = pd.impl_info_str();
  b.inputs.push_back({i0, DNNL_ARG_SRC_0, pd.src0_desc()});
  b.inputs.push_back({i1, DNNL_ARG_SRC_1, pd.src1_desc()});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  return b;
}

}  // namespace inferlab::onednn
