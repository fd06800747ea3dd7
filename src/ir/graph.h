#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/attributes.h"
#include "ir/post_op.h"
#include "ir/tensor.h"

namespace inferlab {

// A named edge of the graph. `known` says whether dtype and shape have been inferred;
// `constant` holds the data of initializers and of values folded at compile time.
struct Value {
  std::string name;
  DType dtype = DType::undefined;
  Shape shape;
  bool known = false;
  std::optional<Tensor> constant;
};

struct Node {
  std::string name;  // unique within the graph (the frontend names unnamed nodes)
  std::string op_type;
  std::string domain;  // "" for the default ONNX domain
  int opset = 0;       // opset version of the node's domain, for version-dependent semantics
  std::vector<std::string> inputs;  // "" marks an absent optional input
  std::vector<std::string> outputs;
  Attributes attrs;
  // Names of the original model nodes this node stands for after fusion (itself included),
  // so per-layer reports can map optimized nodes back to the model.
  std::vector<std::string> fused_from;
  // Operations fused into this node by the optimized engine's passes, applied to its output.
  std::vector<PostOp> post_ops;

  const std::string& input(std::size_t i) const;  // "" when absent
  bool has_input(std::size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
};

// A dataflow graph with values addressed by name, as in ONNX. `nodes` is kept in topological
// order by topo_sort(); graph inputs are the runtime inputs (initializers are constant values).
class Graph {
 public:
  std::string name;
  std::string source;  // the model file it was read from ("" when built in memory)
  int opset = 0;
  std::vector<Node> nodes;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;

  bool has_value(const std::string& n) const { return values_.count(n) != 0; }
  Value& value(const std::string& n);
  const Value& value(const std::string& n) const;
  Value& add_value(const std::string& n);  // returns the existing value if present
  void remove_value(const std::string& n) { values_.erase(n); }
  const std::map<std::string, Value>& values() const { return values_; }

  // Sorts nodes topologically; throws Error naming a node on a cycle, and on an input that is
  // neither a graph input, a constant nor produced by a node (a dangling name).
  void topo_sort();
  // Map from value name to indices of the nodes that consume it.
  std::map<std::string, std::vector<std::size_t>> consumers() const;
  // Index of the node producing `value`, or -1.
  std::ptrdiff_t producer(const std::string& value) const;
  bool is_graph_output(const std::string& value) const;

 private:
  std::map<std::string, Value> values_;
};

}  // namespace inferlab
