#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "ir/graph.h"

namespace inferlab {

// Fixes the shapes of graph inputs: `shapes` overrides whole shapes by input name, `batch` (>0)
// sets dimension 0 of every input. An input whose only dynamic dimension is the first (a
// symbolic batch, as PyTorch exports write it) and that neither option fixes gets batch 1, as
// onnxruntime_perf_test does; the returned notes say so, one per input. Throws Error if an input
// is still dynamic afterwards or a named input does not exist.
std::vector<std::string> specialize_input_shapes(Graph& g,
                                                 const std::map<std::string, Shape>& shapes,
                                                 std::int64_t batch);

// Turns the named graph inputs into constants with the given values (dtype must match).
void freeze_inputs(Graph& g, const std::map<std::string, Tensor>& values);

// Graph inputs consumed as a parameter input of some op (OpSchema::param_inputs): the inputs a
// caller must freeze for the graph to compile.
std::vector<std::string> parameter_inputs(const Graph& g);

// Infers dtype and shape of every value in topological order and folds every node whose inputs
// are all constant (including Shape of a statically shaped value), so PyTorch-style shape
// sub-graphs disappear. Removes nodes whose outputs are no longer needed.
// Throws Unsupported listing every unsupported op type (with the first node of each) at once.
void infer_shapes_and_fold(Graph& g);

// Lists unsupported op types as "Type (first node 'name')"; empty when all are supported.
std::vector<std::string> unsupported_ops(const Graph& g);

// Removes nodes none of whose outputs reach a graph output.
void eliminate_dead_nodes(Graph& g);

}  // namespace inferlab
