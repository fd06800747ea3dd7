#pragma once
// Static cost figures of a model: multiply-accumulates per node, parameter counts, and the bytes
// each node reads and writes. The MAC and parameter conventions follow the usual torchvision
// figures (see docs/zoo.md); the byte figures feed roofline analysis. The conventions are stated
// at the Graph forms in src/analysis/model_stats.h.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "inferlab/model.h"

namespace inferlab {

struct NodeStats {
  std::string name;
  std::string op_type;
  // Multiply-accumulates of Conv, ConvTranspose, Gemm, MatMul (and their quantized forms);
  // 0 for every other op.
  std::int64_t macs = 0;
  std::int64_t params = 0;        // learned parameters first counted at this node (see below)
  std::int64_t weight_bytes = 0;  // bytes of the node's constant inputs (each counted per use)
  std::int64_t input_bytes = 0;   // bytes of the node's non-constant inputs
  std::int64_t output_bytes = 0;  // bytes of the node's outputs
};

struct ModelStats {
  std::vector<NodeStats> nodes;  // in the graph's (topological) order
  std::int64_t macs = 0;
  std::int64_t params = 0;
  std::int64_t param_bytes = 0;   // bytes of the counted parameters
  std::int64_t weight_bytes = 0;  // bytes of all distinct constants consumed by nodes
  std::map<std::string, std::int64_t> macs_by_op;  // op type -> MACs
};

// The figures of `model` with its input shapes fixed (`batch` > 0 sets dimension 0 of every
// input, as CompileOptions::batch; `shapes` whole inputs), shapes inferred and constants folded.
// Throws Error naming the first value whose shape stays unknown.
ModelStats compute_model_stats(const Model& model, std::int64_t batch,
                               const std::map<std::string, Shape>& shapes = {});

// The model inputs that some operator consumes as a parameter (pads, scales, axes...): a caller
// freezes them (CompileOptions::frozen_inputs) for the model to compile.
std::vector<std::string> parameter_inputs(const Model& model);

}  // namespace inferlab
