// The zoo's public face (include/inferlab/lab/zoo.h): listing, writing and reading back models.
#include <set>

#include "runtime/model_graph.h"
#include "zoo/zoo.h"

namespace inferlab::zoo {
namespace {

// `m` with dimension 0 of every input and output (not the weights) named "N".
onnx::ModelProto symbolic_batch_of(onnx::ModelProto m) {
  auto* g = m.mutable_graph();
  std::set<std::string> weights;
  for (const auto& t : g->initializer()) weights.insert(t.name());
  for (auto* vs : {g->mutable_input(), g->mutable_output()})
    for (auto& v : *vs)
      if (!weights.count(v.name()) && v.type().tensor_type().shape().dim_size() > 0)
        v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_param(
            "N");
  g->clear_value_info();
  return m;
}

}  // namespace

std::vector<ZooModelInfo> zoo_catalog() {
  std::vector<ZooModelInfo> out;
  for (const auto& m : zoo_models()) out.push_back({m.name, m.description});
  return out;
}

bool is_zoo_model(const std::string& name) {
  for (const auto& m : zoo_models())
    if (m.name == name) return true;
  return false;
}

void check_zoo_model(const std::string& name) {
  if (!is_zoo_model(name)) build_model(name, {});  // throws, naming the available models
}

void write_zoo_model(const std::string& name, const ZooOptions& options, const std::string& path,
                     bool symbolic_batch) {
  onnx::ModelProto m = build_model(name, options);
  save_model(symbolic_batch ? symbolic_batch_of(std::move(m)) : m, path);
}

Model zoo_model(const std::string& name, const ZooOptions& options) {
  return wrap_graph(import_model(build_model(name, options)));
}

}  // namespace inferlab::zoo
