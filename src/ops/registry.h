#pragma once
// Operator definitions. Each operator (or family of closely related operators) lives in one file
// under src/ops/ and registers an OpSchema: shape/type inference plus a plain reference kernel.
// The reference kernels are the correctness oracle for the optimized engine and also serve
// constant folding.
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace inferlab {

// Infers output dtypes and shapes. `in[i]` is nullptr for an absent optional input; constant
// inputs carry their data in Value::constant (e.g. Reshape's shape). Implementations set
// dtype, shape and known=true on every output (out[i] is nullptr for an unused optional output),
// and throw Error/Unsupported for bad nodes.
using InferFn = std::function<void(const Node&, const std::vector<const Value*>& in,
                                   const std::vector<Value*>& out)>;

// Computes outputs from inputs. Outputs arrive allocated with the inferred dtype and shape;
// an absent optional input is an empty Tensor.
using KernelFn =
    std::function<void(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out)>;

// How many inputs or outputs a node may list (absent optional ones included); kAnyCount = no limit.
inline constexpr int kAnyCount = 1 << 30;
struct Arity {
  int min = 1;
  int max = 1;
};

struct OpSchema {
  std::string op_type;
  InferFn infer;
  KernelFn run;
  // False for ops whose result must not be folded at compile time even with constant inputs
  // (e.g. random generators). Everything in the supported set is foldable.
  bool foldable = true;
  // Inputs that parameterise the op (shapes, axes, scales, pads) and so must be constant at
  // compile time. A caller that feeds such an input at run time (as the ONNX conformance cases
  // do) can freeze it to a value with CompileOptions::frozen_inputs.
  std::vector<int> param_inputs = {};
  // Checked once for every node by infer_node, before the op's own inference runs, so no
  // inference or kernel code sees fewer outputs than its schema promises. Opset-dependent input
  // limits are narrowed further by the op (ops::require_inputs).
  Arity inputs = {1, kAnyCount};
  Arity outputs = {1, 1};
  // Operator set domain: "" for the default ONNX domain, e.g. "com.microsoft" for ONNX
  // Runtime's contrib operators (QLinearAdd). Such schemas are keyed "<domain>.<op_type>".
  std::string domain = {};
};

class OpRegistry {
 public:
  static bool add(OpSchema schema);
  // nullptr when the op type is unknown. `op_type` is a default-domain type ("Conv") or a
  // domain-qualified one ("com.microsoft.QLinearAdd").
  static const OpSchema* find(const std::string& op_type);
  // The schema of a node, looked up in the node's domain; nullptr when unknown.
  static const OpSchema* find(const Node& n);
  static std::vector<std::string> op_types();  // sorted
};

// Runs shape inference for one node given the graph's values (creating output values). Errors
// name the node and, when the graph came from a file (Graph::source), that file.
void infer_node(Graph& g, const Node& n);

}  // namespace inferlab

#define INFERLAB_OP_CONCAT2(a, b) a##b
#define INFERLAB_OP_CONCAT(a, b) INFERLAB_OP_CONCAT2(a, b)
// Registers a schema at static-initialisation time: INFERLAB_REGISTER_OP({"Relu", infer, run});
#define INFERLAB_REGISTER_OP(...)                                                   \
  [[maybe_unused]] static const bool INFERLAB_OP_CONCAT(op_registered_, __LINE__) = \
      ::inferlab::OpRegistry::add(::inferlab::OpSchema __VA_ARGS__)
