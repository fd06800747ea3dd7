#pragma once
// `--calibration DIR [--calibration-samples N]` of the commands that compile a model (run, bench,
// accuracy, sweep): with --precision i8 an FP32 model is quantized in memory on those images,
// preprocessed by the command's own --preset (data::quantize_for_precision).
#include <CLI/CLI.hpp>

#include "inferlab/lab/calibration.h"

namespace inferlab::cli {

void add_calibration_options(CLI::App* cmd, data::CalibrationRequest& r);

}  // namespace inferlab::cli
