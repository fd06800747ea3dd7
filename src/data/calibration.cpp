#include "data/calibration.h"

#include <fmt/format.h>

#include <filesystem>

#include "data/dataset.h"
#include "runtime/model_graph.h"

namespace inferlab::data {

CalibrationSet load_calibration(const std::string& dir, PreprocessConfig pre, const PortInfo& input,
                                std::size_t samples) {
  if (samples == 0) fail("calibration needs at least one sample");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    fail("calibration folder '{}' does not exist or cannot be read", dir);
  PortInfo one = input;
  if (!one.shape.empty()) one.shape[0] = 1;
  fit_preprocess_to_input(pre, one);
  const auto ds = open_dataset(dir);
  CalibrationSet c;
  c.dataset_size = ds->size();
  c.describe = ds->describe();
  if (ds->size() == 0) fail("calibration folder '{}' holds no images", dir);
  const std::size_t step = std::max<std::size_t>(1, ds->size() / samples);
  std::vector<std::string> bad;
  for (std::size_t i = 0; i < ds->size() && c.inputs.size() < samples; i += step) {
    try {
      const Sample s = ds->load(i);
      Tensor t(pre.dtype, input_shape(pre, 1));
      fill_tensor(prepare_image(s.image, pre), pre, t, 0);
      c.inputs.push_back(std::move(t));
      c.names.push_back(ds->name(i));
      c.indices.push_back(i);
    } catch (const Error& e) {
      bad.push_back(e.what());
    }
  }
  if (c.inputs.empty())
    fail("calibration folder '{}': none of the chosen images could be used (first: {})", dir,
         bad.empty() ? "?" : bad[0]);
  return c;
}

std::string describe_calibration(const CalibrationSet& c) {
  const std::size_t step = c.indices.size() > 1 ? c.indices[1] - c.indices[0] : 1;
  return fmt::format("{} images of {} ({}), every {}th from '{}' to '{}'", c.inputs.size(),
                     c.dataset_size, c.describe, step, c.names.front(), c.names.back());
}

std::shared_ptr<Graph> quantize_with_calibration(const Graph& fp32, const std::string& dir,
                                                 const PreprocessConfig& pre, std::size_t samples,
                                                 const quant::QuantizeOptions& options,
                                                 std::string* summary) {
  if (fp32.inputs.size() != 1)
    fail("quantization takes single-input image models; this one has {} inputs",
         fp32.inputs.size());
  const Value& in = fp32.value(fp32.inputs[0]);
  const auto cal = load_calibration(dir, pre, {in.name, in.dtype, in.shape}, samples);
  const auto r = quant::quantize(fp32, cal.inputs, options);
  if (summary) {
    std::size_t quantized = 0;
    for (const auto& l : r.layers) quantized += l.quantized;
    *summary = fmt::format(
        "quantized in memory to int8 ({} calibration, weights s8 per channel): {} of {} layers; "
        "calibration on {}; model output error vs f32 {:.3f}% (relative L2)",
        quant::calibration_method_name(options.method), quantized, r.layers.size(),
        describe_calibration(cal), 100 * r.output_error);
  }
  return r.graph;
}

void check_calibration_request(const CalibrationRequest& r, Precision p) {
  if (r.dir.empty()) return;
  if (p != Precision::i8)
    fail("--calibration quantizes the model for --precision i8; this run asks for {}",
         precision_name(p));
  if (r.preset.empty() && r.preprocess.empty())
    fail("--calibration {}: say how to preprocess its images with --preset (e.g. imagenet)", r.dir);
  if (r.samples == 0) fail("--calibration-samples must be positive");
}

std::shared_ptr<Graph> quantize_for_precision(const Graph& model, Precision p,
                                              const CalibrationRequest& r, std::string* summary) {
  if (r.dir.empty() || p != Precision::i8) return nullptr;
  check_calibration_request(r, p);
  static const char* kQuantized[] = {"QuantizeLinear",       "DequantizeLinear", "QLinearConv",
                                     "QLinearMatMul",        "ConvInteger",      "MatMulInteger",
                                     "DynamicQuantizeLinear"};
  for (const Node& n : model.nodes)
    for (const char* t : kQuantized)
      if (n.op_type == t)
        fail(
            "--calibration: the model is already quantized (node '{}' is a {}); run it with "
            "--precision i8 without calibration data",
            n.name, n.op_type);
  const PreprocessConfig pre =
      r.preprocess.empty() ? preset(r.preset) : load_preprocess_config(r.preprocess);
  return quantize_with_calibration(model, r.dir, pre, r.samples, {}, summary);
}

Model quantize_for_precision(const Model& model, Precision p, const CalibrationRequest& r,
                             std::string* summary) {
  auto q = quantize_for_precision(*model_graph(model), p, r, summary);
  return q ? wrap_graph(std::move(q)) : Model();
}

}  // namespace inferlab::data
