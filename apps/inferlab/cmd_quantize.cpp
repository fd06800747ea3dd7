// `inferlab quantize MODEL --dataset DIR --preset P -o OUT.onnx`: post-training quantization to a
// standard QDQ ONNX model (src/quant), calibrated on real images through the data pipeline.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sstream>

#include "cli_util.h"
#include "command.h"
#include "inferlab/inferlab.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/quantize.h"

namespace inferlab::cli {
namespace {

struct QuantizeCliOptions {
  std::string model, dataset, preset, preprocess, output, method = "minmax", keep;
  Engine engine = Engine::optimized;
  std::string calibration_list;
  std::size_t samples = 300;
  double percentile = 99.99, error_target = 0;
};

std::vector<std::string> split_names(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void print_report(const data::QuantizeFileResult& r) {
  fmt::print("{:<28} {:<6} {:<4} {:>22} {:>10} {:>11} {:>9} {:>9}\n", "layer", "op", "type",
             "range", "threshold", "scale", "error %", "added %");
  for (const auto& l : r.layers) {
    if (!l.quantized) {
      fmt::print("{:<28} {:<6} f32  {:>22} {:>10} {:>11} {:>9.3f} {:>9.3f}\n", l.node, l.op_type,
                 "-", "-", "-", 100 * l.rel_error, 100 * l.added_error);
      continue;
    }
    const bool q = !l.out.tensor.empty();
    fmt::print("{:<28} {:<6} {:<4} {:>22} {:>10} {:>11} {:>9.3f} {:>9.3f}\n", l.node, l.op_type,
               q ? (l.out.type == DType::u8 ? "u8" : "s8") : "f32",
               q ? fmt::format("[{:.4g}, {:.4g}]", l.out.lo, l.out.hi) : "(graph output)",
               q ? fmt::format("{:.4g}", l.out.threshold) : "-",
               q ? fmt::format("{:.4g}", l.out.scale) : "-", 100 * l.rel_error,
               100 * l.added_error);
  }
}

void run_quantize(const QuantizeCliOptions& o) {
  data::QuantizeFileOptions fo;
  fo.model = o.model;
  fo.dataset = o.dataset;
  fo.output = o.output;
  fo.preset = o.preset;
  fo.preprocess = o.preprocess;
  fo.samples = o.samples;
  quant::QuantizeOptions& qo = fo.quantize;
  qo.method = quant::calibration_method_from_name(o.method);
  qo.percentile = o.percentile;
  qo.keep_fp32 = split_names(o.keep);
  qo.error_target = o.error_target;
  qo.engine = o.engine;
  const auto r = data::quantize_file(fo, [&](const std::string& describe, const auto& names) {
    fmt::print("calibration: {}\n", describe);
    if (o.calibration_list.empty()) return;
    std::string list;
    for (const auto& n : names) list += n + "\n";
    write_file_atomically(o.calibration_list, list, "--calibration-list file");
  });
  print_report(r);
  if (r.calibration_images < r.images_loaded)
    fmt::print("the model's batch is fixed: calibrated on {} of the {} images (whole batches)\n",
               r.calibration_images, r.images_loaded);
  for (std::size_t i = 0; i < r.auto_kept.size(); ++i)
    fmt::print("kept in f32 for the error target: {} (model output error now {:.3f}%)\n",
               r.auto_kept[i], 100 * r.auto_errors[i]);
  if (qo.error_target > 0 && r.output_error > qo.error_target)
    fmt::print("error target {:.3f}% not reached after keeping {} layers in f32\n",
               100 * qo.error_target, r.auto_kept.size());
  std::size_t quantized = 0;
  for (const auto& l : r.layers) quantized += l.quantized;
  fmt::print(
      "quantized {} of {} layers ({} calibration, {}), kept in f32: {}; model output error vs "
      "f32 {:.3f}% (relative L2, {} calibration images)\nwrote {}\n",
      quantized, r.layers.size(), quant::calibration_method_name(qo.method),
      "weights s8 per channel",
      r.kept_fp32.empty() ? "none" : fmt::format("{}", fmt::join(r.kept_fp32, ", ")),
      100 * r.output_error, r.error_samples, o.output);
}

void setup_quantize(CLI::App& root) {
  auto o = std::make_shared<QuantizeCliOptions>();
  auto* cmd = root.add_subcommand(
      "quantize", "Post-training INT8 quantization to a QDQ ONNX model, calibrated on images");
  cmd->add_option("model", o->model, "FP32 ONNX model")->required();
  cmd->add_option("--dataset", o->dataset, "folder of calibration images (any accuracy layout)")
      ->required();
  cmd->add_option("--preset", o->preset, "preprocessing preset (as for accuracy)");
  cmd->add_option("--preprocess", o->preprocess, "preprocessing config (JSON) instead of a preset");
  cmd->add_option("-o,--output", o->output, "quantized ONNX model to write")->required();
  cmd->add_option("--samples", o->samples, "calibration images, spread over the dataset")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--method", o->method, "activation range: minmax, percentile or entropy")
      ->check(CLI::IsMember({"minmax", "percentile", "entropy"}));
  cmd->add_option("--percentile", o->percentile, "percentile of |x| for --method percentile")
      ->check(CLI::Range(50.0, 100.0));
  cmd->add_option("--keep-fp32", o->keep, "layers (node names, comma-separated) kept in f32");
  cmd->add_option("--error-target", o->error_target,
                  "keep the most sensitive layers in f32 until the model output's relative L2 "
                  "error on the calibration images is at most this (e.g. 0.02)")
      ->check(CLI::NonNegativeNumber);
  add_engine_option(cmd, o->engine, "engine for calibration: optimized or reference");
  cmd->add_option("--calibration-list", o->calibration_list,
                  "write the names of the calibration images used to this file");
  cmd->callback([o] { run_quantize(*o); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_quantize);
}  // namespace inferlab::cli
