#include "calibration_cli.h"

namespace inferlab::cli {

void add_calibration_options(CLI::App* cmd, data::CalibrationRequest& r) {
  // Named --calibration-samples, not --samples: bench's --samples is the sample library size.
  cmd->add_option("--calibration", r.dir,
                  "with --precision i8 on an FP32 model: quantize it in memory, calibrated on "
                  "images of this folder (any accuracy layout) preprocessed by --preset");
  cmd->add_option("--calibration-samples", r.samples,
                  "calibration images, spread over the folder (default 300)")
      ->check(CLI::PositiveNumber);
}

}  // namespace inferlab::cli
