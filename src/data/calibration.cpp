#include "data/calibration.h"

#include <filesystem>

#include "data/dataset.h"
#include "data/native_runner.h"

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

std::shared_ptr<Graph> quantize_with_calibration(const Graph& fp32, const std::string& dir,
                                                 const PreprocessConfig& pre, std::size_t samples,
                                                 const quant::QuantizeOptions& options) {
  if (fp32.inputs.size() != 1)
    fail("quantization takes single-input image models; this one has {} inputs",
         fp32.inputs.size());
  const Value& in = fp32.value(fp32.inputs[0]);
  const auto cal = load_calibration(dir, pre, {in.name, in.dtype, in.shape}, samples);
  return quant::quantize_model(fp32, cal.inputs, options);
}

}  // namespace inferlab::data
