#pragma once
// Calibration inputs for post-training quantization: a spread-out subset of a dataset's images
// (samples 0, k, 2k, ... so every class of a class-sorted dataset is represented), decoded and
// preprocessed by the same pipeline as accuracy runs, one batch-1 tensor per image.
#include <string>
#include <vector>

#include "data/preprocess.h"
#include "inferlab/inferlab.h"
#include "inferlab/lab/calibration.h"
#include "ir/error.h"
#include "ir/graph.h"
#include "quant/quantize.h"

namespace inferlab::data {

struct CalibrationSet {
  std::vector<Tensor> inputs;        // one [1, ...] tensor per used image
  std::vector<std::string> names;    // the images used, in order
  std::vector<std::size_t> indices;  // their dataset indices
  std::size_t dataset_size = 0;
  std::string describe;  // the dataset layout, for reports
};

// Throws Error naming the folder when it cannot be read, holds no image, or none of the chosen
// images decodes (a single bad image is skipped).
CalibrationSet load_calibration(const std::string& dir, PreprocessConfig pre, const PortInfo& input,
                                std::size_t samples);

// The compile path's `--precision i8 --calibration DIR --preset P` on an FP32 model: calibrates
// on `samples` images of `dir` (preprocessed by `pre`) and returns the QDQ graph to compile.
// Never invents calibration data: a missing or empty folder is an Error.
std::shared_ptr<Graph> quantize_with_calibration(const Graph& fp32, const std::string& dir,
                                                 const PreprocessConfig& pre,
                                                 std::size_t samples = 300,
                                                 const quant::QuantizeOptions& options = {},
                                                 std::string* summary = nullptr);

// One line naming the calibration images: "300 images of 10000 (layout), every 33rd from 'a' to
// 'b'" (printed by `inferlab quantize` and by the in-memory path alike).
std::string describe_calibration(const CalibrationSet& c);

// The model a run at precision `p` compiles: for i8 with calibration data, the FP32 model
// quantized in memory through quantize_with_calibration (one code path with `inferlab
// quantize`), and `summary` says with which images; otherwise nullptr (compile the model as
// read; without calibration data the engine refuses i8 on an FP32 model). A model that is
// already quantized is an Error: calibrating it again would be a silent change of the model.
std::shared_ptr<Graph> quantize_for_precision(const Graph& model, Precision p,
                                              const CalibrationRequest& r, std::string* summary);

}  // namespace inferlab::data
