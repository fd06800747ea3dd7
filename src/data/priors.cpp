#include "data/priors.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"

namespace inferlab::data {

std::size_t PriorConfig::count() const {
  std::size_t n = 0;
  for (const auto& l : layers) n += static_cast<std::size_t>(l.grid_w) * l.grid_h * l.sizes.size();
  return n;
}

std::vector<Prior> generate_priors(const PriorConfig& c) {
  if (c.image_w <= 0 || c.image_h <= 0) fail("prior config: image size must be positive");
  std::vector<Prior> out;
  out.reserve(c.count());
  auto clamp01 = [](double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); };
  for (const auto& l : c.layers) {
    for (int y = 0; y < l.grid_h; ++y) {
      for (int x = 0; x < l.grid_w; ++x) {
        const double cx = (x + 0.5) * l.step_x / c.image_w;
        const double cy = (y + 0.5) * l.step_y / c.image_h;
        for (const auto& s : l.sizes) {
          Prior p{static_cast<float>(cx), static_cast<float>(cy), static_cast<float>(s[0]),
                  static_cast<float>(s[1])};
          if (c.clip != PriorClip::none) {
            p[2] = clamp01(s[0]);
            p[3] = clamp01(s[1]);
          }
          if (c.clip == PriorClip::all) {
            p[0] = clamp01(cx);
            p[1] = clamp01(cy);
          }
          out.push_back(p);
        }
      }
    }
  }
  return out;
}

PriorConfig ssd_priors(const SsdPriorSpec& s) {
  const std::size_t n = s.feature_maps.size();
  if (s.steps.size() != n || s.min_sizes.size() != n || s.max_sizes.size() != n ||
      s.aspect_ratios.size() != n)
    fail(
        "SSD prior spec: feature_maps, steps, min_sizes, max_sizes and aspect_ratios need {} "
        "entries each",
        n);
  PriorConfig c;
  c.image_w = s.image_w;
  c.image_h = s.image_h;
  c.clip = s.clip;
  for (std::size_t k = 0; k < n; ++k) {
    PriorLayer l;
    l.grid_w = l.grid_h = s.feature_maps[k];
    l.step_x = l.step_y = s.steps[k];
    // Sizes relative to each side (square inputs give square boxes).
    const double mw = s.min_sizes[k] / s.image_w, mh = s.min_sizes[k] / s.image_h;
    const double big = std::sqrt(s.min_sizes[k] * s.max_sizes[k]);
    l.sizes.push_back({mw, mh});
    l.sizes.push_back({big / s.image_w, big / s.image_h});
    for (double r : s.aspect_ratios[k]) {
      if (r <= 0) fail("SSD prior spec: aspect ratio {} must be positive", r);
      const double q = std::sqrt(r);
      l.sizes.push_back({mw * q, mh / q});
      l.sizes.push_back({mw / q, mh * q});
    }
    c.layers.push_back(std::move(l));
  }
  return c;
}

SsdPriorSpec ssd300_voc_spec() {
  SsdPriorSpec s;
  s.feature_maps = {38, 19, 10, 5, 3, 1};
  s.steps = {8, 16, 32, 64, 100, 300};
  s.min_sizes = {30, 60, 111, 162, 213, 264};
  s.max_sizes = {60, 111, 162, 213, 264, 315};
  s.aspect_ratios = {{2}, {2, 3}, {2, 3}, {2, 3}, {2}, {2}};
  return s;
}

SsdPriorSpec ssd300_torchvision_spec() {
  SsdPriorSpec s = ssd300_voc_spec();
  const double scales[] = {0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05};
  for (std::size_t k = 0; k < 6; ++k) {
    s.min_sizes[k] = scales[k] * 300;
    s.max_sizes[k] = scales[k + 1] * 300;
  }
  return s;
}

PriorConfig ultraface_priors(int image_w, int image_h,
                             const std::vector<std::vector<double>>& min_boxes,
                             const std::vector<double>& strides) {
  if (min_boxes.size() != strides.size())
    fail("ultraface priors: {} min_boxes groups for {} strides", min_boxes.size(), strides.size());
  PriorConfig c;
  c.image_w = image_w;
  c.image_h = image_h;
  c.clip = PriorClip::all;
  for (std::size_t k = 0; k < strides.size(); ++k) {
    PriorLayer l;
    l.grid_w = static_cast<int>(std::ceil(image_w / strides[k]));
    l.grid_h = static_cast<int>(std::ceil(image_h / strides[k]));
    // The authors' fd_config.py derives the centre spacing ("shrinkage") as image size / grid
    // size, not the stride: for the 320x240 model the rows of the stride-32 and stride-64 maps
    // are 30 and 60 pixels apart, not 32 and 64.
    l.step_x = static_cast<double>(image_w) / l.grid_w;
    l.step_y = static_cast<double>(image_h) / l.grid_h;
    for (double b : min_boxes[k]) l.sizes.push_back({b / image_w, b / image_h});
    c.layers.push_back(std::move(l));
  }
  return c;
}

PriorConfig ultraface_320_priors() {
  return ultraface_priors(320, 240, {{10, 16, 24}, {32, 48}, {64, 96}, {128, 192, 256}},
                          {8, 16, 32, 64});
}

}  // namespace inferlab::data
