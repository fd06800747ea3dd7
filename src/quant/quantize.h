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

#include "ir/graph.h"

namespace inferlab::quant {

enum class CalibrationMethod { minmax, percentile, entropy };
CalibrationMethod calibration_method_from_name(std::string_view name);  // throws Error
std::string_view calibration_method_name(CalibrationMethod m);

struct QuantizeOptions {
  CalibrationMethod method = CalibrationMethod::minmax;
  double percentile = 99.99;  // of |x|, for CalibrationMethod::percentile
  // Nodes (Conv / Gemm / MatMul names) kept in f32; a name that is no such node is an Error.
  std::vector<std::string> keep_fp32;
  // > 0: keep the most sensitive layers in f32, one at a time, until the relative L2 error of the
  // model's outputs on the calibration data is at most this (or `max_auto_kept` are kept).
  double error_target = 0;
  int max_auto_kept = 10;
  std::string engine = "optimized";  // engine running calibration and the error measurement
  std::size_t error_samples = 100;   // calibration inputs used for the per-layer errors
};

// Quantization of one activation tensor.
struct ActivationQuant {
  std::string tensor;
  DType type = DType::i8;  // u8 (after Relu, zero point 0) or i8 (symmetric)
  float lo = 0, hi = 0;    // observed range (min/max over the calibration data)
  float threshold = 0;     // clipping threshold the scale is derived from
  float scale = 1;
  std::int32_t zero_point = 0;
};

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

// One row of the report, per quantizable layer in graph order.
struct LayerReport {
  std::string node, op_type;
  bool quantized = false;
  std::string output;      // the tensor whose error is measured (after a fused Relu)
  ActivationQuant out;     // its quantization (when quantized)
  double rel_error = 0;    // ||q - f|| / ||f|| of `output` over the error samples
  double added_error = 0;  // rel_error minus that of the layer's input
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
