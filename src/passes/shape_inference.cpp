#include "passes/shape_inference.h"

#include <algorithm>
#include <set>

#include "ops/registry.h"

namespace inferlab {

namespace {

bool only_batch_is_dynamic(const Shape& s) {
  return !s.empty() && s[0] < 0 &&
         std::all_of(s.begin() + 1, s.end(), [](auto d) { return d >= 0; });
}

}  // namespace

std::vector<std::string> specialize_input_shapes(Graph& g,
                                                 const std::map<std::string, Shape>& shapes,
                                                 std::int64_t batch) {
  std::vector<std::string> notes;
  for (const auto& [name, shape] : shapes) {
    if (std::find(g.inputs.begin(), g.inputs.end(), name) == g.inputs.end()) {
      std::string names;
      for (const auto& i : g.inputs) names += (names.empty() ? "" : ", ") + i;
      fail("--shape names input '{}', but the model's inputs are: {}", name, names);
    }
  }
  for (const auto& name : g.inputs) {
    Value& v = g.value(name);
    auto it = shapes.find(name);
    if (it != shapes.end()) {
      if (v.known && v.shape.size() != it->second.size()) {
        fail("input '{}': shape {} has rank {}, the model expects rank {} ({})", name,
             shape_str(it->second), it->second.size(), v.shape.size(), shape_str(v.shape));
      }
      for (std::size_t d = 0; v.known && d < v.shape.size(); ++d) {
        if (v.shape[d] >= 0 && v.shape[d] != it->second[d] && !(d == 0 && batch > 0)) {
          fail("input '{}': dimension {} is fixed to {} in the model, cannot set it to {}", name, d,
               v.shape[d], it->second[d]);
        }
      }
      v.shape = it->second;
      v.known = true;
    }
    if (batch > 0) {
      if (v.shape.empty()) fail("input '{}' is a scalar: --batch does not apply", name);
      v.shape[0] = batch;
    } else if (it == shapes.end() && v.known && only_batch_is_dynamic(v.shape)) {
      v.shape[0] = 1;
      notes.push_back(fmt::format(
          "input '{}' has a symbolic batch dimension: using batch 1 (give --batch N to change it)",
          name));
    }
    if (!v.known || !shape_is_static(v.shape)) {
      fail(
          "input '{}' has a dynamic shape {}: give a concrete one with --shape {}=... or --batch N",
          name, shape_str(v.shape), name);
    }
    shape_numel(v.shape, "input '" + name + "'");
  }
  return notes;
}

void freeze_inputs(Graph& g, const std::map<std::string, Tensor>& values) {
  for (const auto& [name, t] : values) {
    auto it = std::find(g.inputs.begin(), g.inputs.end(), name);
    if (it == g.inputs.end()) fail("cannot freeze '{}': the model has no such input", name);
    Value& v = g.value(name);
    if (v.dtype != t.dtype()) {
      fail("cannot freeze input '{}' of type {} with a {} tensor", name, dtype_name(v.dtype),
           dtype_name(t.dtype()));
    }
    v.shape = t.shape();
    v.known = true;
    v.constant = t;
    g.inputs.erase(it);
  }
}

std::vector<std::string> parameter_inputs(const Graph& g) {
  std::vector<std::string> out;
  for (const Node& n : g.nodes) {
    const OpSchema* s = OpRegistry::find(n.op_type);
    if (!s) continue;
    for (int i : s->param_inputs) {
      if (!n.has_input(i)) continue;
      const std::string& name = n.inputs[i];
      if (std::find(g.inputs.begin(), g.inputs.end(), name) != g.inputs.end() &&
          std::find(out.begin(), out.end(), name) == out.end()) {
        out.push_back(name);
      }
    }
  }
  return out;
}

std::vector<std::string> unsupported_ops(const Graph& g) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const Node& n : g.nodes) {
    const bool known_domain = n.domain.empty() || n.domain == "ai.onnx";
    if (known_domain && OpRegistry::find(n.op_type)) continue;
    const std::string type = known_domain ? n.op_type : n.domain + "." + n.op_type;
    if (seen.insert(type).second) out.push_back(fmt::format("{} (first node '{}')", type, n.name));
  }
  return out;
}

void infer_shapes_and_fold(Graph& g) {
  if (auto bad = unsupported_ops(g); !bad.empty()) {
    std::string list;
    for (const auto& b : bad) list += (list.empty() ? "" : ", ") + b;
    unsupported("unsupported op types: {}", list);
  }
  std::vector<Node> kept;
  for (Node& n : g.nodes) {
    infer_node(g, n);
    bool all_outputs_constant = true;
    for (const auto& o : n.outputs)
      if (!o.empty() && !g.value(o).constant) all_outputs_constant = false;
    if (all_outputs_constant) continue;  // e.g. Shape of a static value: folded by inference

    const OpSchema* s = OpRegistry::find(n.op_type);
    bool all_inputs_constant = s->foldable;
    for (const auto& i : n.inputs)
      if (!i.empty() && !g.value(i).constant) all_inputs_constant = false;
    if (!all_inputs_constant) {
      kept.push_back(std::move(n));
      continue;
    }
    std::vector<Tensor> in;
    for (const auto& i : n.inputs) in.push_back(i.empty() ? Tensor() : *g.value(i).constant);
    std::vector<Tensor> out;
    for (const auto& o : n.outputs) {
      if (o.empty()) {
        out.emplace_back();
      } else {
        const Value& v = g.value(o);
        out.emplace_back(v.dtype, v.shape);
      }
    }
    s->run(n, in, out);
    for (std::size_t i = 0; i < n.outputs.size(); ++i)
      if (!n.outputs[i].empty()) g.value(n.outputs[i]).constant = out[i];
  }
  g.nodes = std::move(kept);
  for (const auto& o : g.outputs) {
    if (!g.value(o).known) fail("graph output '{}' has no inferred shape", o);
  }
  eliminate_dead_nodes(g);
}

void eliminate_dead_nodes(Graph& g) {
  std::set<std::string> live(g.outputs.begin(), g.outputs.end());
  std::vector<bool> keep(g.nodes.size(), false);
  for (std::size_t k = g.nodes.size(); k-- > 0;) {
    const Node& n = g.nodes[k];
    for (const auto& o : n.outputs)
      if (live.count(o)) keep[k] = true;
    if (keep[k])
      for (const auto& i : n.inputs)
        if (!i.empty()) live.insert(i);
  }
  std::vector<Node> kept;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    if (!keep[k]) continue;
    for (const auto& o : g.nodes[k].outputs) live.insert(o);
    kept.push_back(std::move(g.nodes[k]));
  }
  g.nodes = std::move(kept);
  // Drop constants nothing reads any more, so weight accounting stays honest.
  std::vector<std::string> dead;
  for (const auto& [name, v] : g.values())
    if (!live.count(name) && std::find(g.inputs.begin(), g.inputs.end(), name) == g.inputs.end())
      dead.push_back(name);
  for (const auto& d : dead) g.remove_value(d);
}

}  // namespace inferlab
