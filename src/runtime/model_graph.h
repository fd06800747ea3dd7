#pragma once
// The bridge between the public Model view (include/inferlab/model.h) and the engine's Graph,
// for the libraries and tests that build or inspect graphs themselves.
#include <memory>
#include <vector>

#include "inferlab/model.h"
#include "ir/graph.h"

namespace inferlab {

struct ModelImpl {
  std::shared_ptr<const Graph> graph;
  std::vector<PortInfo> inputs, outputs;

  static Model wrap(std::shared_ptr<const Graph> g);
  static const ModelImpl& of(const Model& m);  // throws Error for an empty Model
};

// A Model viewing `g` (shared, not copied: the caller must not modify it afterwards).
inline Model wrap_graph(std::shared_ptr<const Graph> g) {
  return ModelImpl::wrap(std::move(g));
}
// The graph behind a Model; throws Error for an empty Model.
inline const std::shared_ptr<const Graph>& model_graph(const Model& m) {
  return ModelImpl::of(m).graph;
}

}  // namespace inferlab
