#pragma once
// The quantizable layers of a graph and the plan that quantizes them: which tensors get a
// QuantizeLinear / DequantizeLinear pair with which type, and the per-channel weights.
#include <map>
#include <set>

#include "quant/calibrate.h"

namespace inferlab::quant {

// A Conv / Gemm / MatMul with a constant weight: its activation input `x` and the tensor where
// its output is quantized (`out`: the following Relu's output when a Relu is its only consumer).
struct Layer {
  std::size_t node = 0;
  std::string name, op_type;
  std::string x, out;
  bool x_u8 = false, out_u8 = false;  // produced by a Relu: uint8 with zero point 0
  int weight_input = 1, bias_input = -1;
  std::int64_t weight_axis = 0;  // output-channel axis of the weight
};

std::vector<Layer> find_layers(const Graph& g);

// Tensors to calibrate for `layers`: every x and out, graph outputs excluded from `out`.
std::vector<std::string> calibration_points(const Graph& g, const std::vector<Layer>& layers);

// The plan quantizing `layers` except those named in `keep`, from calibrated statistics.
QuantPlan make_plan(const Graph& g, const std::vector<Layer>& layers,
                    const std::set<std::string>& keep,
                    const std::map<std::string, TensorStats>& stats, const QuantizeOptions& o);

// `fp32` with every BatchNormalization that follows a Conv / Gemm folded into it
// (passes/fold_batchnorm.cpp); `unfolded_output` maps the folded node's output (the former BN
// output) to its output before folding, so the ONNX writer can fold the same pairs in the file.
struct FoldedModel {
  std::shared_ptr<Graph> graph;
  std::map<std::string, std::string> unfolded_output;
};
FoldedModel fold_batchnorm_for_quantization(const Graph& fp32);

// apply_plan that also reports, for each quantized activation, the name of its dequantized copy.
std::shared_ptr<Graph> apply_plan_named(const Graph& fp32, const QuantPlan& plan,
                                        std::map<std::string, std::string>* dequantized);

}  // namespace inferlab::quant
