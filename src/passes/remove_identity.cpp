// Identity/Dropout removal and no-op Reshape/Transpose removal: the node's output name is
// replaced by its input everywhere. When the output is a graph output (its name is part of
// the model's interface), the producer of the input is renamed instead, if that is possible.
#include <algorithm>

#include "passes/pass_util.h"
#include "passes/passes.h"

namespace inferlab {
namespace {

bool is_noop(const Graph& g, const Node& n) {
  if (n.inputs.empty() || n.outputs.empty() || !n.has_input(0) || n.outputs[0].empty())
    return false;
  // Extra outputs (Dropout's mask) must be unused.
  for (std::size_t i = 1; i < n.outputs.size(); ++i) {
    if (n.outputs[i].empty()) continue;
    for (const Node& m : g.nodes)
      if (std::count(m.inputs.begin(), m.inputs.end(), n.outputs[i])) return false;
    if (g.is_graph_output(n.outputs[i])) return false;
  }
  const Value& in = g.value(n.inputs[0]);
  const Value& out = g.value(n.outputs[0]);
  if (in.dtype != out.dtype || in.shape != out.shape) return false;
  if (n.op_type == "Identity" || n.op_type == "Dropout") return true;
  if (n.op_type == "Reshape" || n.op_type == "Flatten" || n.op_type == "Squeeze" ||
      n.op_type == "Unsqueeze")
    return true;  // same shape in and out: a copy
  if (n.op_type == "Transpose") {
    const auto perm = n.attrs.get_ints("perm", {});
    for (std::size_t i = 0; i < perm.size(); ++i)
      if (perm[i] != static_cast<std::int64_t>(i)) return false;
    return !perm.empty() || in.shape.size() <= 1;
  }
  return false;
}

void rename_uses(Graph& g, const std::string& from, const std::string& to) {
  for (Node& m : g.nodes)
    for (auto& i : m.inputs)
      if (i == from) i = to;
}

}  // namespace

int remove_identity(Graph& g) {
  int removed = 0;
  for (std::size_t k = 0; k < g.nodes.size();) {
    Node& n = g.nodes[k];
    if (!is_noop(g, n)) {
      ++k;
      continue;
    }
    const std::string in = n.inputs[0], out = n.outputs[0];
    if (!g.is_graph_output(out)) {
      rename_uses(g, out, in);
    } else {
      // The output name must survive: rename the producer's output to it, when the input is
      // an ordinary intermediate value.
      const std::ptrdiff_t p = g.producer(in);
      if (p < 0 || g.is_graph_output(in)) {
        ++k;
        continue;
      }
      for (auto& o : g.nodes[p].outputs)
        if (o == in) o = out;
      rename_uses(g, in, out);
    }
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(k));
    ++removed;
  }
  return removed;
}

}  // namespace inferlab
