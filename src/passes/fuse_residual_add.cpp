// Conv + Add residual fusion: Add(conv(x), r) -> conv(x) with a "sum" post-op reading r as the
// Conv's input 3. The executor fills the Conv's destination with r and oneDNN accumulates into
// it (post-op `sum`), so the Add's extra pass over memory disappears.
#include <algorithm>

#include "passes/pass_util.h"
#include "passes/passes.h"

namespace inferlab {
namespace {

bool has_sum(const Node& n) {
  return std::any_of(n.post_ops.begin(), n.post_ops.end(),
                     [](const PostOp& p) { return p.kind == PostOpKind::sum; });
}

}  // namespace

int fuse_residual_add(Graph& g) {
  int fused = 0;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& add = g.nodes[k];
    if (add.op_type != "Add" || add.inputs.size() != 2 || !add.has_input(0) || !add.has_input(1))
      continue;
    const Value& y = g.value(add.outputs[0]);
    const Value& a = g.value(add.inputs[0]);
    const Value& b = g.value(add.inputs[1]);
    if (y.dtype != DType::f32 || a.shape != y.shape || b.shape != y.shape || a.constant ||
        b.constant || add.inputs[0] == add.inputs[1])
      continue;
    // Prefer the Conv that comes later: the other operand is then already computed.
    std::ptrdiff_t best = -1;
    int which = -1;
    for (int i = 0; i < 2; ++i) {
      const std::ptrdiff_t p = g.producer(add.inputs[i]);
      if (p < 0 || p <= best) continue;
      const Node& prod = g.nodes[p];
      if (prod.op_type != "Conv" || has_sum(prod) || y.shape.size() != 4) continue;
      if (passes::sole_consumer(g, add.inputs[i]) != static_cast<std::ptrdiff_t>(k)) continue;
      best = p;
      which = i;
    }
    if (best < 0) continue;
    Node& conv = g.nodes[best];
    const std::string other = add.inputs[1 - which];
    conv.inputs.resize(4);
    conv.inputs[3] = other;
    conv.post_ops.push_back({PostOpKind::sum, 1.f, 0.f});
    const std::string old = conv.outputs[0];
    conv.outputs[0] = add.outputs[0];
    passes::record_fusion(conv, add);
    g.remove_value(old);
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(k));
    --k;
    ++fused;
  }
  if (fused) g.topo_sort();
  return fused;
}

}  // namespace inferlab
