#include "passes/pass_util.h"

#include <algorithm>

#include "passes/passes.h"

namespace inferlab {
namespace passes {

std::ptrdiff_t sole_consumer(const Graph& g, const std::string& value) {
  if (g.is_graph_output(value)) return -1;
  std::ptrdiff_t found = -1;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const auto& in = g.nodes[k].inputs;
    const auto uses = std::count(in.begin(), in.end(), value);
    if (uses == 0) continue;
    if (found >= 0 || uses > 1) return -1;
    found = static_cast<std::ptrdiff_t>(k);
  }
  return found;
}

void record_fusion(Node& n, const Node& other) {
  if (n.fused_from.empty()) n.fused_from.push_back(n.name);
  if (other.fused_from.empty()) {
    n.fused_from.push_back(other.name);
  } else {
    n.fused_from.insert(n.fused_from.end(), other.fused_from.begin(), other.fused_from.end());
  }
}

std::string fresh_name(const Graph& g, const std::string& base) {
  std::string name = base;
  for (int i = 1; g.has_value(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

const Tensor* constant_of(const Graph& g, const std::string& value) {
  if (value.empty() || !g.has_value(value)) return nullptr;
  const Value& v = g.value(value);
  return v.constant ? &*v.constant : nullptr;
}

std::string add_constant(Graph& g, const std::string& base, Tensor t) {
  const std::string name = fresh_name(g, base);
  Value& v = g.add_value(name);
  v.dtype = t.dtype();
  v.shape = t.shape();
  v.known = true;
  v.constant = std::move(t);
  return name;
}

}  // namespace passes

}  // namespace inferlab
