#pragma once
// Per-model preprocessing: colour order, resize mode, interpolation, normalisation, layout and
// dtype, from a named preset, a small JSON file, or both (the file may name a preset as a base).
#include <array>
#include <string>
#include <vector>

#include "data/image.h"
#include "inferlab/model.h"
#include "ir/tensor.h"

namespace inferlab::data {

enum class ColorOrder { rgb, bgr, gray };
enum class ResizeMode {
  none,          // the image must already have the model's input size
  shorter_crop,  // shorter side to `shorter` (torchvision Resize(int)), then centre crop
  direct,        // straight to width x height (aspect ratio not kept)
};
enum class Interpolation { bilinear, nearest };
enum class Layout { nchw, nhwc };

struct PreprocessConfig {
  std::string name = "custom";
  ColorOrder color = ColorOrder::rgb;
  ResizeMode resize = ResizeMode::none;
  int shorter = 0;            // shorter_crop
  int width = 0, height = 0;  // model input size: the crop (shorter_crop) or target (direct)
  Interpolation interpolation = Interpolation::bilinear;
  bool antialias = true;  // bilinear: widen the filter when downscaling (PIL, torchvision)
  float scale = 1.0f;     // value = (pixel * scale - mean[c]) / std[c]
  std::array<float, 3> mean{0, 0, 0};
  std::array<float, 3> std{1, 1, 1};
  Layout layout = Layout::nchw;
  DType dtype = DType::f32;  // f32, or u8 / i8 (value rounded and saturated)

  int channels() const { return color == ColorOrder::gray ? 1 : 3; }
  std::string describe() const;  // one line for reports
};

std::vector<std::string> preset_names();
PreprocessConfig preset(const std::string& name);  // throws Error listing the known names
// JSON such as {"preset": "imagenet", "resize": "direct", "size": [300, 300], "color": "bgr",
// "interpolation": "bilinear", "antialias": false, "scale": 1, "mean": [104, 117, 123],
// "std": [1, 1, 1], "layout": "nchw", "dtype": "f32", "shorter": 256, "crop": 224}.
PreprocessConfig load_preprocess_config(const std::string& path);
PreprocessConfig parse_preprocess_config(const std::string& json_text, const std::string& what);

// How model-input pixel coordinates map back to the source image: src = in * scale + offset.
struct Geometry {
  int src_width = 0, src_height = 0;
  double scale_x = 1, scale_y = 1, offset_x = 0, offset_y = 0;
};

// Colour conversion, resize and crop: the image the model sees, as 8-bit pixels.
Image prepare_image(const Image& src, const PreprocessConfig& cfg, Geometry* geometry = nullptr);
// Normalises a prepared image (cfg.width x cfg.height) into one batch slot of `batch`, a tensor
// of input_shape(cfg, N). Throws Error if the image size does not match.
void fill_tensor(const Image& prepared, const PreprocessConfig& cfg, Tensor& batch, int slot);
Shape input_shape(const PreprocessConfig& cfg, std::int64_t batch);

// Fills width/height from the model input where the preprocessing leaves them open, and checks
// that the preprocessing produces what the input takes (channels, size, layout, dtype).
void fit_preprocess_to_input(PreprocessConfig& pre, const PortInfo& input);

}  // namespace inferlab::data
