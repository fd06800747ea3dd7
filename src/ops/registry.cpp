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

void infer_node(Graph& g, const Node& n) {
  const OpSchema* s = OpRegistry::find(n);
  if (!s) {
    unsupported("node '{}': unsupported op type '{}'", n.name, n.op_type);
  }
  std::vector<const Value*> in;
  for (const auto& name : n.inputs) {
    if (name.empty()) {
      in.push_back(nullptr);
      continue;
    }
    const Value& v = g.value(name);
    if (!v.known) fail("node '{}' ({}): input '{}' has no inferred shape", n.name, n.op_type, name);
    in.push_back(&v);
  }
  std::vector<Value*> out;
  for (const auto& name : n.outputs) out.push_back(name.empty() ? nullptr : &g.add_value(name));
  try {
    s->infer(n, in, out);
  } catch (const Unsupported& e) {
    throw Unsupported(fmt::format("node '{}' ({}): {}", n.name, n.op_type, e.what()));
  } catch (const Error& e) {
    throw Error(fmt::format("node '{}' ({}): {}", n.name, n.op_type, e.what()));
  }
}

}  // namespace inferlab
