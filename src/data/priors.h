#pragma once
// SSD-style prior (default/anchor) boxes, in (cx, cy, w, h) normalised to the model input.
// Order: per feature map, per cell (row-major), per box size, as torchvision's
// DefaultBoxGenerator and the Ultra-Light face detector generate them.
#include <array>
#include <string>
#include <vector>

namespace inferlab::data {

using Prior = std::array<float, 4>;  // cx, cy, w, h

// One feature map: its grid, the stride of its cells in input pixels, and the (w, h) of the
// boxes of every cell, normalised to the input size.
struct PriorLayer {
  int grid_w = 0, grid_h = 0;
  double step_x = 0, step_y = 0;
  std::vector<std::array<double, 2>> sizes;
};

enum class PriorClip {
  none,
  size,  // clamp w, h to [0, 1] (torchvision DefaultBoxGenerator(clip=True))
  all,   // clamp cx, cy, w, h to [0, 1] (Ultra-Light face detector)
};

struct PriorConfig {
  int image_w = 0, image_h = 0;
  std::vector<PriorLayer> layers;
  PriorClip clip = PriorClip::none;
  std::size_t count() const;
};

std::vector<Prior> generate_priors(const PriorConfig& c);

// The SSD paper's parametrisation: per feature map a min and max size in pixels (boxes
// min x min, sqrt(min * max) squared, then for each aspect ratio r: min*sqrt(r) x min/sqrt(r)
// and its transpose) and a step.
struct SsdPriorSpec {
  int image_w = 300, image_h = 300;
  std::vector<int> feature_maps;  // square grids
  std::vector<double> steps;      // pixels
  std::vector<double> min_sizes, max_sizes;
  std::vector<std::vector<double>> aspect_ratios;  // without 1
  PriorClip clip = PriorClip::size;
};
PriorConfig ssd_priors(const SsdPriorSpec& s);
// SSD300 on VOC (Liu et al., Caffe ssd_pascal.py): maps 38,19,10,5,3,1, steps 8..300,
// sizes 30..315, ratios {2},{2,3},{2,3},{2,3},{2},{2}: 8732 priors.
SsdPriorSpec ssd300_voc_spec();
// torchvision ssd300_vgg16: the same maps, steps and ratios with scales
// 0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05 (min size s_k * 300, max size s_k+1 * 300).
SsdPriorSpec ssd300_torchvision_spec();

// The Ultra-Light face detector's priors: per stride, grid ceil(size / stride), cell centres at
// (i + 0.5) * size / grid, and square boxes of `min_boxes` pixels. The 320x240 model: 4420.
PriorConfig ultraface_priors(int image_w, int image_h,
                             const std::vector<std::vector<double>>& min_boxes,
                             const std::vector<double>& strides);
PriorConfig ultraface_320_priors();

}  // namespace inferlab::data
