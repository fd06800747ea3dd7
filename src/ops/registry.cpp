#include "ops/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace inferlab {

namespace {
std::map<std::string, OpSchema>& table() {
  static std::map<std::string, OpSchema> t;
  return t;
}
}  // namespace

bool OpRegistry::add(OpSchema schema) {
  std::string name = schema.domain.empty() ? schema.op_type : schema.domain + "." + schema.op_type;
  if (!table().emplace(name, std::move(schema)).second) {
    // Two files define the same operator: a build mistake that must not go unnoticed.
    std::fprintf(stderr, "inferlab: operator '%s' registered twice\n", name.c_str());
    std::abort();
  }
  return true;
}

const OpSchema* OpRegistry::find(const std::string& op_type) {
  auto it = table().find(op_type);
  return it == table().end() ? nullptr : &it->second;
}

const OpSchema* OpRegistry::find(const Node& n) {
  if (n.domain.empty() || n.domain == "ai.onnx") return find(n.op_type);
  return find(n.domain + "." + n.op_type);
}

std::vector<std::string> OpRegistry::op_types() {
  std::vector<std::string> names;
  for (const auto& [k, v] : table()) names.push_back(k);
  return names;
}

namespace {

// "model.onnx: node 'Conv_0' (Conv)": every node error names the file the graph came from, so a
// message from a folder run (`check`) or a peer comparison says which model is bad.
std::string node_where(const Graph& g, const Node& n) {
  const std::string node = fmt::format("node '{}' ({})", n.name, n.op_type);
  return g.source.empty() ? node : g.source + ": " + node;
}

// The schema's arity, checked before the op's inference so shape functions and kernels may
// index the inputs and outputs their schema guarantees (a node with no outputs used to crash).
void check_arity(const OpSchema& s, const Node& n) {
  auto check = [](const Arity& a, const std::vector<std::string>& names, const char* what) {
    const auto count = static_cast<int>(names.size());
    if (count < a.min || count > a.max) {
      if (a.min == a.max) fail("expects {} {}s, got {}", a.min, what, count);
      if (a.max == kAnyCount) fail("expects at least {} {}s, got {}", a.min, what, count);
      fail("expects {} to {} {}s, got {}", a.min, a.max, what, count);
    }
    for (int i = 0; i < a.min; ++i)
      if (names[static_cast<std::size_t>(i)].empty()) fail("required {} {} has no name", what, i);
  };
  check(s.inputs, n.inputs, "input");
  check(s.outputs, n.outputs, "output");
}

}  // namespace

void infer_node(Graph& g, const Node& n) {
  const OpSchema* s = OpRegistry::find(n);
  if (!s) unsupported("{}: unsupported op type '{}'", node_where(g, n), n.op_type);
  try {
    check_arity(*s, n);
    std::vector<const Value*> in;
    for (const auto& name : n.inputs) {
      if (name.empty()) {
        in.push_back(nullptr);
        continue;
      }
      const Value& v = g.value(name);
      if (!v.known) fail("input '{}' has no inferred shape", name);
      in.push_back(&v);
    }
    std::vector<Value*> out;
    for (const auto& name : n.outputs) out.push_back(name.empty() ? nullptr : &g.add_value(name));
    s->infer(n, in, out);
  } catch (const Error& e) {
    // A node the operator rejects is a malformed model, whatever helper raised the error.
    rethrow_as(e, ErrorCode::invalid_model, node_where(g, n) + ": ");
  }
}

}  // namespace inferlab
