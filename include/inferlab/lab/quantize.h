#pragma once
// Post-training INT8 quantization as the lab runs it (`inferlab quantize`): calibrate on a folder
// of images, report per layer, write a standard QDQ ONNX model. The algorithm is src/quant.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "inferlab/dtype.h"
#include "inferlab/inferlab.h"

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
  Engine engine = Engine::optimized;  // engine running calibration and the error measurement
  std::size_t error_samples = 100;    // calibration inputs used for the per-layer errors
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

// One row of the report, per quantizable layer in graph order.
struct LayerReport {
  std::string node, op_type;
  bool quantized = false;
  std::string output;      // the tensor whose error is measured (after a fused Relu)
  ActivationQuant out;     // its quantization (when quantized)
  double rel_error = 0;    // ||q - f|| / ||f|| of `output` over the error samples
  double added_error = 0;  // rel_error minus that of the layer's input
};

}  // namespace inferlab::quant

namespace inferlab::data {

// `inferlab quantize MODEL --dataset DIR (--preset P | --preprocess FILE) -o OUT`.
struct QuantizeFileOptions {
  std::string model, dataset, output;
  std::string preset, preprocess;  // how the calibration images are preprocessed
  std::size_t samples = 300;       // calibration images, spread over the dataset
  quant::QuantizeOptions quantize;
};

struct QuantizeFileResult {
  std::vector<quant::LayerReport> layers;
  std::vector<std::string> kept_fp32;  // asked for and chosen automatically
  std::vector<std::string> auto_kept;  // chosen by the error target, in order
  std::vector<double> auto_errors;     // output error after keeping each of them
  double output_error = 0;             // relative L2 error of the model outputs
  std::size_t error_samples = 0;       // calibration images the errors were measured on
  std::size_t calibration_images = 0;  // images calibrated on: whole batches of a fixed batch
  std::size_t images_loaded = 0;       // images read from the dataset
};

// The calibration images chosen, told before the (long) calibration run starts.
using CalibrationChosen =
    std::function<void(const std::string& describe, const std::vector<std::string>& names)>;

// Calibrates `o.model` (a single-input FP32 image model) on `o.samples` images of `o.dataset`,
// quantizes it and writes the QDQ model to `o.output` (atomically). Throws Error naming the
// model, folder or option at fault.
QuantizeFileResult quantize_file(const QuantizeFileOptions& o,
                                 const CalibrationChosen& chosen = {});

}  // namespace inferlab::data
