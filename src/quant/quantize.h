#pragma once
// Post-training quantization: calibrates activation ranges on real inputs, quantizes the weights
// of Conv / Gemm / MatMul per output channel (symmetric int8) and their activations (uint8 with
// zero point 0 after a Relu, else symmetric int8), and expresses the result as standard ONNX
// QuantizeLinear / DequantizeLinear pairs (the QDQ form ONNX Runtime's quantizer writes), so that
// every backend runs the same network. quantize_model gives the QDQ graph in memory;
// write_qdq_onnx (qdq_onnx.h) writes the same plan into a copy of the ONNX file.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "inferlab/lab/quantize.h"
#include "ir/graph.h"

namespace inferlab::quant {

// Per-output-channel symmetric int8 quantization of a layer's weight (and int32 bias).
struct WeightQuant {
  std::string node, weight, bias;  // value names ("" bias: none)
  std::string node_output;         // the node's first output: identifies it in the ONNX file
  // Set when a BatchNormalization was folded into the node (weight and bias include it): the
  // node's output before folding; in the ONNX file the node then takes over the BN's output
  // (node_output) and the BN is removed.
  std::string unfolded_output;
  std::int64_t axis = 0;  // output-channel axis of the weight
  Tensor q;               // i8
  std::vector<float> scale;
  Tensor bias_q;  // i32, scale = input scale x weight scale
  std::vector<float> bias_scale;
};

struct QuantPlan {
  std::vector<ActivationQuant> activations;
  std::vector<WeightQuant> weights;
};

struct QuantizeResult {
  std::shared_ptr<Graph> graph;  // the QDQ graph, ready to compile
  QuantPlan plan;
  std::vector<LayerReport> layers;
  std::vector<std::string> kept_fp32;   // asked for and chosen automatically
  std::vector<std::string> auto_kept;   // chosen by error_target, in order
  std::vector<double> auto_errors;      // output error after keeping each of them
  double output_error = 0;              // relative L2 error of the model outputs
  std::size_t calibration_samples = 0;  // images used: whole batches of a fixed-batch model
  std::size_t error_samples = 0;        // of them, images the errors were measured on
};

// `calibration` holds the model's (single) input for each calibration sample, batch 1. Throws
// Error when there is no calibration input, the model has none of the layers above, or a
// `keep_fp32` name is not one of them.
QuantizeResult quantize(const Graph& fp32, const std::vector<Tensor>& calibration,
                        const QuantizeOptions& options);

// The in-memory entry point for the compile path (--precision i8 with calibration data).
std::shared_ptr<Graph> quantize_model(const Graph& fp32, const std::vector<Tensor>& calibration,
                                      const QuantizeOptions& options);

// The QDQ graph of `plan` applied to `fp32` (no calibration run).
std::shared_ptr<Graph> apply_plan(const Graph& fp32, const QuantPlan& plan);

}  // namespace inferlab::quant
