#include "analysis/model_stats.h"

#include <set>

#include "ir/macs.h"
#include "passes/shape_inference.h"
#include "runtime/model_graph.h"

namespace inferlab {
namespace {

bool is_float(DType t) {
  return t == DType::f32 || t == DType::f16 || t == DType::bf16;
}

std::int64_t bytes_of(const Value& v) {
  return shape_numel(v.shape, "value '" + v.name + "'") *
         static_cast<std::int64_t>(dtype_size(v.dtype));
}

// Whether constant input `i` of `n` is a learned parameter under the torchvision convention.
// Quantized layers count their integer weights and int32 bias (input 8 of QLinearConv), not
// their scales and zero points.
bool is_param_input(const Node& n, std::size_t i, const Value& v) {
  if (!v.constant) return false;
  const std::string& op = n.op_type;
  if (op == "QLinearConv") return i == 3 || i == 8;
  if (op == "ConvInteger") return i == 1;
  if (op == "QLinearMatMul") return i == 0 || i == 3;
  if (op == "MatMulInteger") return i == 0 || i == 1;
  if (!is_float(v.dtype)) return false;
  if (op == "Conv" || op == "ConvTranspose" || op == "Gemm" || op == "MatMul") return true;
  if (op == "BatchNormalization" || op == "InstanceNormalization" || op == "LayerNormalization")
    return i == 1 || i == 2;  // scale and bias; never the running statistics
  if (op == "PRelu") return i == 1;
  if (op == "Mul" || op == "Add") return shape_numel(v.shape) > 1;
  return false;
}

const Value& known_value(const Graph& g, const Node& n, const std::string& name) {
  const Value& v = g.value(name);
  if (!v.known || !shape_is_static(v.shape)) {
    fail("model stats: value '{}' of node '{}' ({}) has no known static shape", name, n.name,
         n.op_type);
  }
  return v;
}

}  // namespace

ModelStats compute_model_stats(const Graph& g) {
  ModelStats s;
  std::set<std::string> counted_params, counted_weights;
  for (const Node& n : g.nodes) {
    NodeStats ns;
    ns.name = n.name;
    ns.op_type = n.op_type;
    for (std::size_t i = 0; i < n.inputs.size(); ++i) {
      if (!n.has_input(i)) continue;
      const Value& v = known_value(g, n, n.inputs[i]);
      const std::int64_t bytes = bytes_of(v);
      if (!v.constant) {
        ns.input_bytes += bytes;
        continue;
      }
      ns.weight_bytes += bytes;
      if (counted_weights.insert(v.name).second) s.weight_bytes += bytes;
      if (is_param_input(n, i, v) && counted_params.insert(v.name).second) {
        ns.params += shape_numel(v.shape);
        s.param_bytes += bytes;
      }
    }
    for (const auto& o : n.outputs)
      if (!o.empty()) ns.output_bytes += bytes_of(known_value(g, n, o));
    ns.macs = node_macs(g, n).value_or(0);  // every shape it reads was checked known above
    s.macs += ns.macs;
    s.params += ns.params;
    if (ns.macs) s.macs_by_op[n.op_type] += ns.macs;
    s.nodes.push_back(std::move(ns));
  }
  return s;
}

ModelStats compute_model_stats(const Graph& model, std::int64_t batch,
                               const std::map<std::string, Shape>& shapes) {
  Graph g = model;
  specialize_input_shapes(g, shapes, batch);
  infer_shapes_and_fold(g);
  return compute_model_stats(g);
}

ModelStats compute_model_stats(const Model& model, std::int64_t batch,
                               const std::map<std::string, Shape>& shapes) {
  return compute_model_stats(*model_graph(model), batch, shapes);
}

std::vector<std::string> parameter_inputs(const Model& model) {
  return parameter_inputs(*model_graph(model));
}

}  // namespace inferlab
