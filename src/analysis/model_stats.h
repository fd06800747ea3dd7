#pragma once
// The Graph forms of the static cost figures (include/inferlab/lab/model_stats.h).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "inferlab/lab/model_stats.h"
#include "ir/graph.h"

namespace inferlab {

// Per-node figures of a graph whose values all have known, static shapes (after
// specialize_input_shapes + infer_shapes_and_fold). Throws Error naming the first value
// whose shape is not known.
//
// MACs: node_macs (ir/macs.h), the counter the engine's stream rule uses too.
// Parameters (as torchvision's sum of p.numel() over parameters): the distinct float constants
// feeding Conv/ConvTranspose weight and bias, Gemm B and C, a MatMul operand, PRelu slope,
// BatchNormalization and InstanceNormalization scale and bias (not running mean/variance),
// and non-scalar constant operands of Mul and Add (learned per-channel scales and biases, such
// as SSD's L2Norm scale). Shape constants, clip bounds and other scalars are not parameters.
// QLinearConv/ConvInteger and QLinearMatMul/MatMulInteger count their integer weights (and
// QLinearConv's int32 bias) as parameters.
ModelStats compute_model_stats(const Graph& g);

// Copies `model`, fixes its input shapes (`batch` > 0 sets dimension 0 of every input, as
// CompileOptions::batch), infers shapes, folds constants and computes the figures.
ModelStats compute_model_stats(const Graph& model, std::int64_t batch,
                               const std::map<std::string, Shape>& shapes = {});

}  // namespace inferlab
