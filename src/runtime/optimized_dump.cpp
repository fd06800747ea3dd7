// `--dump-graph` of the optimized program: a header with counts and sizes, then one line per
// node with its implementation, layout, precision, output shapes, post-ops and fused nodes.
#include "runtime/optimized_plan.h"

namespace inferlab::opt {

std::string dump_plan(const Plan& p) {
  const std::vector<LayerProfile> layers = [&] {
    std::vector<LayerProfile> v;
    for (const auto& e : p.entries)
      if (e.implementation != "view") v.push_back(e);
    return v;
  }();
  std::string s = fmt::format(
      "# optimized program: {} nodes ({} reference), {} reorders, weights {} bytes, "
      "activations {} bytes (arena {} + scratchpad {})\n# precision {}: {}\n",
      p.entries.size(), p.reference_nodes, p.reorders, p.weight_bytes,
      p.arena_bytes + p.scratch_bytes, p.arena_bytes, p.scratch_bytes,
      precision_name(p.options.precision), precision_summary(layers));
  std::size_t e = 0;
  for (const Node& n : p.graph->nodes) {
    const LayerProfile& lp = p.entries[e++];
    s += fmt::format("{:<32} {:<18} [{}] layout={} precision={}", n.name, n.op_type,
                     lp.implementation, lp.layout, lp.precision);
    for (const auto& o : n.outputs)
      if (!o.empty()) s += " " + o + ":" + shape_str(p.graph->value(o).shape);
    std::string posts;
    for (const auto& q : n.post_ops) {
      if (!posts.empty()) posts += ',';
      posts += post_op_name(q.kind);
    }
    if (!posts.empty()) s += " post=" + posts;
    if (lp.fused_from.size() > 1) {
      std::string f;
      for (const auto& x : lp.fused_from) f += (f.empty() ? "" : ",") + x;
      s += " fused=" + f;
    }
    s += "\n";
  }
  return s;
}

}  // namespace inferlab::opt
