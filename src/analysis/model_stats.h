#pragma once
// Static cost figures of a model: multiply-accumulates per node, parameter counts, and the bytes
// each node reads and writes. The MAC and parameter conventions follow the usual torchvision
// figures (see docs/zoo.md); the byte figures feed roofline analysis.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

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

// Per-node figures of a graph whose values all have known, static shapes (after
// specialize_input_shapes + infer_shapes_and_fold). Throws Error naming the first value
// whose shape is not known.
//
// MACs: Conv N*Cout*Hout*Wout*(Cin/group)*kh*kw (any spatial rank), ConvTranspose
// N*Cin*Hin*Win*(Cout/group)*kh*kw, Gemm and MatMul (output elements)*K.
// Parameters (as torchvision's sum of p.numel() over parameters): the distinct float constants
// feeding Conv/ConvTranspose weight and bias, Gemm B and C, a MatMul operand, PRelu slope,
// BatchNormalization and InstanceNormalization scale and bias (not running mean/variance),
// and non-scalar constant operands of Mul and Add (learned per-channel scales and biases, such
// as SSD's L2Norm scale). Shape constants, clip bounds and other scalars are not parameters.
// QLinearConv/ConvInteger and QLinearMatMul/MatMulInteger count MACs like Conv and MatMul and
// their integer weights (and QLinearConv's int32 bias) as parameters.
ModelStats compute_model_stats(const Graph& g);

// Copies `model`, fixes its input shapes (`batch` > 0 sets dimension 0 of every input, as
// CompileOptions::batch), infers shapes, folds constants and computes the figures.
ModelStats compute_model_stats(const Graph& model, std::int64_t batch,
                               const std::map<std::string, Shape>& shapes = {});

}  // namespace inferlab
