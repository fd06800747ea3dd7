#pragma once
// What a run asks of post-training quantization on the fly: the `--precision i8 --calibration DIR
// --preset P` options of the run, bench, accuracy and sweep commands (the work itself is in
// src/data/calibration.h).
#include <cstddef>
#include <string>

#include "inferlab/inferlab.h"

namespace inferlab::data {

// What `--precision i8 --calibration DIR --preset P [--calibration-samples N]` asks of the run,
// bench, accuracy and sweep commands.
struct CalibrationRequest {
  std::string dir;                 // "" = no calibration data given
  std::string preset, preprocess;  // how the images are preprocessed (preset or JSON file)
  std::size_t samples = 300;
};

// Checks a request before any work: --calibration only with --precision i8, with a preset or a
// preprocessing file, and a positive sample count. Error otherwise.
void check_calibration_request(const CalibrationRequest& r, Precision p);

// The model a run at precision `p` compiles: for i8 with calibration data, `model` quantized in
// memory on those images (one code path with `inferlab quantize`), and `summary` says with
// which; otherwise an empty Model (compile `model` as read). A model that is already quantized
// is an Error: calibrating it again would be a silent change of the model.
Model quantize_for_precision(const Model& model, Precision p, const CalibrationRequest& r,
                             std::string* summary);

}  // namespace inferlab::data
