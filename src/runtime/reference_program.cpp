// The reference engine: runs each node's reference kernel in topological order, allocating every
// intermediate tensor. Slow and obviously correct: the oracle for the optimized engine (so it
// keeps allocating per inference by design; only the clock is left alone unless profiling).
#include <chrono>

#include "ops/registry.h"
#include "runtime/program.h"

namespace inferlab {
namespace {

struct ReferenceState : ProgramState {
  std::map<std::string, Tensor> values;
};

class ReferenceProgram final : public Program {
 public:
  explicit ReferenceProgram(std::shared_ptr<const Graph> g) : graph_(std::move(g)) {
    for (const Node& n : graph_->nodes) {
      const OpSchema* s = OpRegistry::find(n);
      if (!s) unsupported("node '{}': unsupported op type '{}'", n.name, n.op_type);
      kernels_.push_back(s);
    }
  }

  std::unique_ptr<ProgramState> create_state() const override {
    return std::make_unique<ReferenceState>();
  }

  void run(ProgramState& base, const std::vector<Tensor>& inputs,
           std::vector<Tensor>& outputs) const override {
    auto& st = static_cast<ReferenceState&>(base);
    st.values.clear();
    for (std::size_t i = 0; i < graph_->inputs.size(); ++i)
      st.values[graph_->inputs[i]] = inputs[i];
    if (st.collect_profile && st.profile.size() != graph_->nodes.size()) {
      st.profile.clear();
      for (const Node& n : graph_->nodes) {
        st.profile.push_back({n.name, n.op_type, n.fused_from, "reference", "plain", 0.0, 0,
                              reference_layer_precision(*graph_, n)});
      }
    }
    for (std::size_t k = 0; k < graph_->nodes.size(); ++k) {
      const Node& n = graph_->nodes[k];
      using clock = std::chrono::steady_clock;  // read only when profiling
      const clock::time_point t0 = st.collect_profile ? clock::now() : clock::time_point();
      std::vector<Tensor> in;
      in.reserve(n.inputs.size());
      for (const auto& name : n.inputs) in.push_back(name.empty() ? Tensor() : lookup(st, name));
      std::vector<Tensor> out;
      for (const auto& name : n.outputs) {
        if (name.empty()) {
          out.emplace_back();
          continue;
        }
        const Value& v = graph_->value(name);
        out.emplace_back(v.dtype, v.shape);
      }
      kernels_[k]->run(n, in, out);
      for (std::size_t i = 0; i < n.outputs.size(); ++i)
        if (!n.outputs[i].empty()) st.values[n.outputs[i]] = out[i];
      if (st.collect_profile) {
        const std::chrono::duration<double, std::milli> dt = clock::now() - t0;
        st.profile[k].time_ms += dt.count();
        st.profile[k].count += 1;
      }
    }
    outputs.resize(graph_->outputs.size());
    for (std::size_t i = 0; i < graph_->outputs.size(); ++i)
      outputs[i] = lookup(st, graph_->outputs[i]);
  }

  std::string dump() const override {
    std::string s;
    for (const Node& n : graph_->nodes) {
      s += fmt::format("{:<32} {:<20} [reference] precision={}", n.name, n.op_type,
                       reference_layer_precision(*graph_, n));
      for (const auto& o : n.outputs)
        if (!o.empty()) s += " " + o + ":" + shape_str(graph_->value(o).shape);
      s += "\n";
    }
    return s;
  }

  std::vector<LayerProfile> layers() const override {
    std::vector<LayerProfile> v;
    for (const Node& n : graph_->nodes)
      v.push_back({n.name, n.op_type, n.fused_from, "reference", "plain", 0.0, 0,
                   reference_layer_precision(*graph_, n)});
    return v;
  }

  std::size_t weight_bytes() const override {
    std::size_t b = 0;
    for (const auto& [name, v] : graph_->values())
      if (v.constant) b += v.constant->nbytes();
    return b;
  }

 private:
  Tensor lookup(ReferenceState& st, const std::string& name) const {
    auto it = st.values.find(name);
    if (it != st.values.end()) return it->second;
    const Value& v = graph_->value(name);
    if (!v.constant) fail("value '{}' was not computed", name);
    return *v.constant;
  }

  std::shared_ptr<const Graph> graph_;
  std::vector<const OpSchema*> kernels_;
};

const bool registered =
    register_engine("reference", [](std::shared_ptr<const Graph> g, const CompileOptions& o) {
      // The oracle runs the model as written: lowering precision is the optimized engine's job.
      if (o.precision != Precision::f32)
        fail("precision {}: the reference engine runs f32 only (use the optimized engine)",
             precision_name(o.precision));
      return std::make_unique<ReferenceProgram>(std::move(g));
    });

}  // namespace
}  // namespace inferlab
