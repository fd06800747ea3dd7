#include "data/preprocess.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "data/resize.h"
#include "ir/error.h"

namespace inferlab::data {
namespace {

constexpr std::array<float, 3> kImagenetMean{0.485f, 0.456f, 0.406f};
constexpr std::array<float, 3> kImagenetStd{0.229f, 0.224f, 0.225f};

std::map<std::string, PreprocessConfig> make_preprocess_presets() {
  std::map<std::string, PreprocessConfig> m;
  PreprocessConfig c;
  // torchvision's ImageNet evaluation: Resize(256), CenterCrop(224), ToTensor, Normalize.
  c = {};
  c.name = "imagenet";
  c.resize = ResizeMode::shorter_crop;
  c.shorter = 256;
  c.width = c.height = 224;
  c.scale = 1.0f / 255;
  c.mean = kImagenetMean;
  c.std = kImagenetStd;
  m[c.name] = c;
  // CIFAR-10 models trained with ImageNet statistics (akamaster/pytorch_resnet_cifar10).
  c = {};
  c.name = "cifar10";
  c.resize = ResizeMode::direct;
  c.width = c.height = 32;
  c.scale = 1.0f / 255;
  c.mean = kImagenetMean;
  c.std = kImagenetStd;
  m[c.name] = c;
  // ONNX-zoo MNIST: raw 0..255 grey values.
  c = {};
  c.name = "mnist";
  c.color = ColorOrder::gray;
  c.resize = ResizeMode::direct;
  c.width = c.height = 28;
  m[c.name] = c;
  // Caffe LeNet: pixels scaled by 1/256.
  c.name = "mnist-lenet";
  c.scale = 0.00390625f;
  m[c.name] = c;
  // Original Caffe SSD300: BGR, 300x300 bilinear (OpenCV, no antialiasing), mean subtraction.
  c = {};
  c.name = "ssd300";
  c.color = ColorOrder::bgr;
  c.resize = ResizeMode::direct;
  c.width = c.height = 300;
  c.antialias = false;
  c.mean = {104, 117, 123};
  m[c.name] = c;
  // torchvision ssd300_vgg16: RGB, image_mean (0.48235, 0.45882, 0.40784) with std 1/255,
  // i.e. x - 255 * mean on 0..255 pixels; torch interpolate (no antialiasing).
  c.name = "ssd300-torchvision";
  c.color = ColorOrder::rgb;
  c.scale = 1.0f / 255;
  c.mean = {0.48235f, 0.45882f, 0.40784f};
  c.std = {1.0f / 255, 1.0f / 255, 1.0f / 255};
  m[c.name] = c;
  // Ultra-Light face detector: RGB, cv2.resize to 320x240, (x - 127) / 128.
  c = {};
  c.name = "ultraface";
  c.resize = ResizeMode::direct;
  c.width = 320;
  c.height = 240;
  c.antialias = false;
  c.mean = {127, 127, 127};
  c.std = {128, 128, 128};
  m[c.name] = c;
  return m;
}

const std::map<std::string, PreprocessConfig>& preprocess_presets() {
  static const auto m = make_preprocess_presets();
  return m;
}

template <typename E>
E enum_value(const nlohmann::json& j, const std::string& key, const std::string& what,
             const std::map<std::string, E>& names) {
  const std::string v = j.at(key).get<std::string>();
  auto it = names.find(v);
  if (it == names.end()) {
    std::string known;
    for (const auto& [n, e] : names) known += (known.empty() ? "" : ", ") + n;
    fail("{}: \"{}\": unknown value '{}' (expected one of: {})", what, key, v, known);
  }
  return it->second;
}

std::array<float, 3> triple(const nlohmann::json& j, const std::string& key,
                            const std::string& what) {
  const auto& v = j.at(key);
  if (v.is_number()) {
    const float x = v.get<float>();
    return {x, x, x};
  }
  if (!v.is_array() || v.size() != 3) fail("{}: \"{}\" must be a number or 3 numbers", what, key);
  return {v[0].get<float>(), v[1].get<float>(), v[2].get<float>()};
}

void size_pair(const nlohmann::json& v, int& w, int& h, const std::string& what,
               const std::string& key) {
  if (v.is_number_integer()) {
    w = h = v.get<int>();
  } else if (v.is_array() && v.size() == 2) {
    w = v[0].get<int>();
    h = v[1].get<int>();
  } else {
    fail("{}: \"{}\" must be a size or [width, height]", what, key);
  }
  if (w <= 0 || h <= 0) fail("{}: \"{}\" must be positive", what, key);
}

// Python's round() (half to even), as torchvision's centre crop uses it.
int round_half_even(double x) {
  return static_cast<int>(std::nearbyint(x));
}

template <typename T>
void store(T* dst, float v) {
  if constexpr (std::is_same_v<T, float>) {
    *dst = v;
  } else {
    const float lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
    *dst = static_cast<T>(std::clamp(std::nearbyint(v), lo, hi));
  }
}

template <typename T>
void fill_typed(const Image& img, const PreprocessConfig& cfg, T* out) {
  const int c = img.channels, w = img.width, h = img.height;
  const std::size_t plane = static_cast<std::size_t>(w) * h;
  for (int ch = 0; ch < c; ++ch) {
    // BGR models read the decoded RGB channels in reverse order.
    const int src_ch = cfg.color == ColorOrder::bgr ? 2 - ch : ch;
    const float mul = cfg.scale / cfg.std[static_cast<std::size_t>(ch)];
    const float add =
        -cfg.mean[static_cast<std::size_t>(ch)] / cfg.std[static_cast<std::size_t>(ch)];
    for (std::size_t i = 0; i < plane; ++i) {
      const float v = static_cast<float>(img.pixels[i * c + src_ch]) * mul + add;
      store(cfg.layout == Layout::nchw ? out + ch * plane + i : out + i * c + ch, v);
    }
  }
}

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> n;
  for (const auto& [k, v] : preprocess_presets()) n.push_back(k);
  return n;
}

PreprocessConfig preset(const std::string& name) {
  auto it = preprocess_presets().find(name);
  if (it == preprocess_presets().end()) {
    std::string known;
    for (const auto& k : preset_names()) known += (known.empty() ? "" : ", ") + k;
    fail("unknown preprocessing preset '{}' (known: {})", name, known);
  }
  return it->second;
}

PreprocessConfig parse_preprocess_config(const std::string& text, const std::string& what) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: invalid JSON: {}", what, e.what());
  }
  if (!j.is_object()) fail("{}: expected a JSON object", what);
  static const std::vector<std::string> keys = {
      "preset",    "color", "resize", "shorter", "crop",   "size", "interpolation",
      "antialias", "scale", "mean",   "std",     "layout", "dtype"};
  for (const auto& [k, v] : j.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      fail("{}: unknown key \"{}\"", what, k);
  try {
    PreprocessConfig c =
        j.contains("preset") ? preset(j["preset"].get<std::string>()) : PreprocessConfig{};
    c.name = j.contains("preset") ? c.name + "+" + what : what;
    if (j.contains("color"))
      c.color = enum_value<ColorOrder>(
          j, "color", what,
          {{"rgb", ColorOrder::rgb}, {"bgr", ColorOrder::bgr}, {"gray", ColorOrder::gray}});
    if (j.contains("resize"))
      c.resize = enum_value<ResizeMode>(j, "resize", what,
                                        {{"none", ResizeMode::none},
                                         {"shorter_crop", ResizeMode::shorter_crop},
                                         {"direct", ResizeMode::direct}});
    if (j.contains("shorter")) c.shorter = j["shorter"].get<int>();
    if (j.contains("crop")) size_pair(j["crop"], c.width, c.height, what, "crop");
    if (j.contains("size")) size_pair(j["size"], c.width, c.height, what, "size");
    if (j.contains("interpolation"))
      c.interpolation = enum_value<Interpolation>(
          j, "interpolation", what,
          {{"bilinear", Interpolation::bilinear}, {"nearest", Interpolation::nearest}});
    if (j.contains("antialias")) c.antialias = j["antialias"].get<bool>();
    if (j.contains("scale")) c.scale = j["scale"].get<float>();
    if (j.contains("mean")) c.mean = triple(j, "mean", what);
    if (j.contains("std")) c.std = triple(j, "std", what);
    if (j.contains("layout"))
      c.layout =
          enum_value<Layout>(j, "layout", what, {{"nchw", Layout::nchw}, {"nhwc", Layout::nhwc}});
    if (j.contains("dtype")) {
      c.dtype = dtype_from_name(j["dtype"].get<std::string>());
      if (c.dtype != DType::f32 && c.dtype != DType::u8 && c.dtype != DType::i8)
        fail("{}: \"dtype\" must be f32, u8 or i8", what);
    }
    if (c.resize == ResizeMode::shorter_crop && c.shorter <= 0)
      fail("{}: resize shorter_crop needs \"shorter\" > 0", what);
    for (float s : c.std)
      if (s == 0) fail("{}: \"std\" must not be 0", what);
    return c;
  } catch (const nlohmann::json::exception& e) {
    fail("{}: {}", what, e.what());
  }
}

PreprocessConfig load_preprocess_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(ErrorCode::io, "{}: cannot open preprocessing config", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_preprocess_config(ss.str(), path);
}

std::string PreprocessConfig::describe() const {
  const char* colors[] = {"RGB", "BGR", "gray"};
  std::string r;
  switch (resize) {
    case ResizeMode::none:
      r = fmt::format("no resize ({}x{})", width, height);
      break;
    case ResizeMode::shorter_crop:
      r = fmt::format("shorter side {} then centre crop {}x{}", shorter, width, height);
      break;
    case ResizeMode::direct:
      r = fmt::format("resize to {}x{}", width, height);
      break;
  }
  const std::string interp = interpolation == Interpolation::nearest
                                 ? "nearest"
                                 : (antialias ? "bilinear+antialias" : "bilinear");
  return fmt::format(
      "{}: {}, {} ({}), x*{:g} - mean ({:g}, {:g}, {:g}) / std ({:g}, {:g}, {:g}), "
      "{}, {}",
      name, colors[static_cast<int>(color)], r, interp, scale, mean[0], mean[1], mean[2], std[0],
      std[1], std[2], layout == Layout::nchw ? "NCHW" : "NHWC", dtype_name(dtype));
}

static Image resize_with(const Image& img, const PreprocessConfig& cfg, int w, int h) {
  if (img.width == w && img.height == h) return img;
  if (cfg.interpolation == Interpolation::nearest) return resize_nearest(img, w, h);
  return cfg.antialias ? resize_bilinear_aa(img, w, h) : resize_bilinear(img, w, h);
}

Image prepare_image(const Image& src, const PreprocessConfig& cfg, Geometry* geometry) {
  Image img = cfg.color == ColorOrder::gray ? to_gray(src) : to_rgb(src);
  Geometry g;
  g.src_width = src.width;
  g.src_height = src.height;
  switch (cfg.resize) {
    case ResizeMode::none:
      break;
    case ResizeMode::direct:
      img = resize_with(img, cfg, cfg.width, cfg.height);
      g.scale_x = static_cast<double>(src.width) / cfg.width;
      g.scale_y = static_cast<double>(src.height) / cfg.height;
      break;
    case ResizeMode::shorter_crop: {
      // torchvision: the long side is int(S * long / short), truncated.
      int w, h;
      if (src.width <= src.height) {
        w = cfg.shorter;
        h = static_cast<int>(static_cast<double>(cfg.shorter) * src.height / src.width);
      } else {
        h = cfg.shorter;
        w = static_cast<int>(static_cast<double>(cfg.shorter) * src.width / src.height);
      }
      img = resize_with(img, cfg, w, h);
      if (cfg.width > w || cfg.height > h)
        fail("centre crop {}x{} is larger than the resized {}x{} image", cfg.width, cfg.height, w,
             h);
      const int top = round_half_even((h - cfg.height) / 2.0);
      const int left = round_half_even((w - cfg.width) / 2.0);
      img = crop(img, left, top, cfg.width, cfg.height);
      g.scale_x = static_cast<double>(src.width) / w;
      g.scale_y = static_cast<double>(src.height) / h;
      g.offset_x = left * g.scale_x;
      g.offset_y = top * g.scale_y;
      break;
    }
  }
  if (cfg.width > 0 && (img.width != cfg.width || img.height != cfg.height))
    fail("image is {}x{}, the model takes {}x{} and preprocessing '{}' does not resize", img.width,
         img.height, cfg.width, cfg.height, cfg.name);
  if (geometry) *geometry = g;
  return img;
}

Shape input_shape(const PreprocessConfig& cfg, std::int64_t batch) {
  if (cfg.layout == Layout::nchw) return {batch, cfg.channels(), cfg.height, cfg.width};
  return {batch, cfg.height, cfg.width, cfg.channels()};
}

void fill_tensor(const Image& img, const PreprocessConfig& cfg, Tensor& batch, int slot) {
  const Shape want = input_shape(cfg, batch.shape().empty() ? 0 : batch.shape()[0]);
  if (batch.shape() != want || batch.dtype() != cfg.dtype)
    fail("fill_tensor: batch tensor is {} {}, preprocessing '{}' produces {} {}",
         dtype_name(batch.dtype()), shape_str(batch.shape()), cfg.name, dtype_name(cfg.dtype),
         shape_str(want));
  if (img.width != cfg.width || img.height != cfg.height || img.channels != cfg.channels())
    fail("fill_tensor: image is {}x{}x{}, expected {}x{}x{}", img.width, img.height, img.channels,
         cfg.width, cfg.height, cfg.channels());
  if (slot < 0 || slot >= want[0]) fail("fill_tensor: slot {} outside batch {}", slot, want[0]);
  const std::size_t per = static_cast<std::size_t>(cfg.width) * cfg.height * cfg.channels();
  switch (cfg.dtype) {
    case DType::f32:
      fill_typed(img, cfg, batch.data<float>() + slot * per);
      break;
    case DType::u8:
      fill_typed(img, cfg, batch.data<std::uint8_t>() + slot * per);
      break;
    case DType::i8:
      fill_typed(img, cfg, batch.data<std::int8_t>() + slot * per);
      break;
    default:
      fail("fill_tensor: unsupported dtype {}", dtype_name(cfg.dtype));
  }
}

void fit_preprocess_to_input(PreprocessConfig& pre, const PortInfo& in) {
  if (in.shape.size() != 4)
    fail("input '{}' is {}: expected an image batch (4-d)", in.name, shape_str(in.shape));
  const bool nchw = pre.layout == Layout::nchw;
  const std::int64_t c = in.shape[nchw ? 1 : 3], h = in.shape[nchw ? 2 : 1],
                     w = in.shape[nchw ? 3 : 2];
  if (pre.width == 0 && w > 0 && h > 0) {
    pre.width = static_cast<int>(w);
    pre.height = static_cast<int>(h);
  }
  if ((c > 0 && c != pre.channels()) || (h > 0 && h != pre.height) || (w > 0 && w != pre.width))
    fail("input '{}' is {}, preprocessing '{}' produces {} channel(s) of {}x{} ({})", in.name,
         shape_str(in.shape), pre.name, pre.channels(), pre.width, pre.height,
         nchw ? "NCHW" : "NHWC");
  if (in.dtype != pre.dtype)
    fail("input '{}' takes {}, preprocessing '{}' produces {} (set \"dtype\")", in.name,
         dtype_name(in.dtype), pre.name, dtype_name(pre.dtype));
}

}  // namespace inferlab::data
