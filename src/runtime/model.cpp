// The public Model view over the engine's graph.
#include <algorithm>

#include "ir/error.h"
#include "runtime/model_graph.h"

namespace inferlab {

namespace {
std::vector<PortInfo> ports(const Graph& g, const std::vector<std::string>& names) {
  std::vector<PortInfo> out;
  for (const auto& n : names) {
    const Value& v = g.value(n);
    out.push_back({n, v.dtype, v.shape});
  }
  return out;
}

void check_reshape(const Graph& g, const std::string& name, const Shape& shape) {
  if (std::find(g.inputs.begin(), g.inputs.end(), name) == g.inputs.end()) {
    std::string names;
    for (const auto& i : g.inputs) names += (names.empty() ? "" : ", ") + i;
    fail("reshape names input '{}', but the model's inputs are: {}", name, names);
  }
  for (std::int64_t d : shape)
    if (d < 0 && d != kDynamic) fail("reshape of input '{}': dimension {} is negative", name, d);
  const Value& v = g.value(name);
  if (!v.known) return;
  if (v.shape.size() != shape.size()) {
    fail("reshape of input '{}': shape {} has rank {}, the model expects rank {} ({})", name,
         shape_str(shape), shape.size(), v.shape.size(), shape_str(v.shape));
  }
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (v.shape[d] >= 0 && shape[d] != v.shape[d]) {
      fail("reshape of input '{}': dimension {} is fixed to {} in the model, cannot set it to {}",
           name, d, v.shape[d], shape[d]);
    }
  }
}
}  // namespace

Model ModelImpl::wrap(std::shared_ptr<const Graph> g) {
  if (!g) fail("internal error: a Model needs a graph");
  auto impl = std::make_shared<ModelImpl>();
  impl->inputs = ports(*g, g->inputs);
  impl->outputs = ports(*g, g->outputs);
  impl->graph = std::move(g);
  Model m;
  m.impl_ = std::move(impl);
  return m;
}

const ModelImpl& ModelImpl::of(const Model& m) {
  if (!m.impl_) fail("this Model is empty: get one from Core::read_model");
  return *m.impl_;
}

const std::vector<PortInfo>& Model::inputs() const {
  return ModelImpl::of(*this).inputs;
}

const std::vector<PortInfo>& Model::outputs() const {
  return ModelImpl::of(*this).outputs;
}

void Model::reshape(const std::map<std::string, Shape>& shapes) {
  const Graph& old = *ModelImpl::of(*this).graph;
  for (const auto& [name, shape] : shapes) check_reshape(old, name, shape);
  auto g = std::make_shared<Graph>(old);
  for (const auto& [name, shape] : shapes) {
    Value& v = g->value(name);
    v.shape = shape;
    v.known = true;
  }
  *this = ModelImpl::wrap(std::move(g));
}

}  // namespace inferlab
