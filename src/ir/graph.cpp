#include "ir/graph.h"

#include <algorithm>
#include <set>

namespace inferlab {

const std::string& Node::input(std::size_t i) const {
  static const std::string kAbsent;
  return i < inputs.size() ? inputs[i] : kAbsent;
}

Value& Graph::value(const std::string& n) {
  auto it = values_.find(n);
  if (it == values_.end()) fail("graph has no value named '{}'", n);
  return it->second;
}

const Value& Graph::value(const std::string& n) const {
  auto it = values_.find(n);
  if (it == values_.end()) fail("graph has no value named '{}'", n);
  return it->second;
}

Value& Graph::add_value(const std::string& n) {
  auto [it, inserted] = values_.try_emplace(n);
  if (inserted) it->second.name = n;
  return it->second;
}

void Graph::topo_sort() {
  std::map<std::string, std::size_t> producer_of;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& o : nodes[i].outputs) {
      if (o.empty()) continue;
      if (!producer_of.emplace(o, i).second) {
        fail("value '{}' is produced by more than one node ('{}' and '{}')", o,
             nodes[producer_of[o]].name, nodes[i].name);
      }
    }
  }
  std::set<std::string> graph_inputs(inputs.begin(), inputs.end());
  // Kahn's algorithm, stable with respect to the original order.
  std::vector<int> pending(nodes.size(), 0);
  std::vector<std::vector<std::size_t>> users(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& in : nodes[i].inputs) {
      if (in.empty()) continue;
      auto p = producer_of.find(in);
      if (p != producer_of.end()) {
        ++pending[i];
        users[p->second].push_back(i);
      } else if (!graph_inputs.count(in) && !(has_value(in) && value(in).constant)) {
        fail(
            "node '{}' ({}) reads '{}', which is not a graph input, an initializer or the output "
            "of any node",
            nodes[i].name, nodes[i].op_type, in);
      }
    }
  }
  std::vector<std::size_t> ready, order;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (pending[i] == 0) ready.push_back(i);
  std::reverse(ready.begin(), ready.end());
  while (!ready.empty()) {
    std::size_t i = ready.back();
    ready.pop_back();
    order.push_back(i);
    std::vector<std::size_t> now;
    for (std::size_t u : users[i])
      if (--pending[u] == 0) now.push_back(u);
    std::sort(now.rbegin(), now.rend());
    // keep lower original indices first
    std::vector<std::size_t> merged(ready.begin(), ready.end());
    merged.insert(merged.end(), now.begin(), now.end());
    std::sort(merged.rbegin(), merged.rend());
    ready = std::move(merged);
  }
  if (order.size() != nodes.size()) {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (pending[i] > 0)
        fail("graph has a cycle through node '{}' ({})", nodes[i].name, nodes[i].op_type);
    }
  }
  std::vector<Node> sorted;
  sorted.reserve(nodes.size());
  for (std::size_t i : order) sorted.push_back(std::move(nodes[i]));
  nodes = std::move(sorted);
  for (const auto& o : outputs) {
    if (!producer_of.count(o) && !graph_inputs.count(o) && !(has_value(o) && value(o).constant)) {
      fail("graph output '{}' is not produced by any node", o);
    }
  }
}

std::map<std::string, std::vector<std::size_t>> Graph::consumers() const {
  std::map<std::string, std::vector<std::size_t>> c;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& in : nodes[i].inputs)
      if (!in.empty()) c[in].push_back(i);
  return c;
}

std::ptrdiff_t Graph::producer(const std::string& v) const {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (const auto& o : nodes[i].outputs)
      if (o == v) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

bool Graph::is_graph_output(const std::string& v) const {
  return std::find(outputs.begin(), outputs.end(), v) != outputs.end();
}

}  // namespace inferlab
