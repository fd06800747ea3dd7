#pragma once
// Image resampling. `resize_bilinear_aa` reproduces PIL's Image.resize(BILINEAR) bit for bit
// (the filter torchvision's Resize uses on PIL images): a triangle filter whose support grows
// with the downscale factor (antialiasing), separable, horizontal pass first, 8-bit fixed-point
// coefficients and an 8-bit intermediate image, as in PIL's Resample.c.
#include "data/image.h"

namespace inferlab::data {

Image resize_bilinear_aa(const Image& in, int width, int height);
// Plain bilinear interpolation of the 4 nearest pixels (half-pixel centres, edges clamped),
// like OpenCV's INTER_LINEAR and torch's interpolate(antialias=False); no antialiasing.
Image resize_bilinear(const Image& in, int width, int height);
// Nearest neighbour with PIL's sampling: source pixel ~floor((x + 0.5) * in / out).
Image resize_nearest(const Image& in, int width, int height);
// The sub-image [x, x + w) x [y, y + h); throws Error if it exceeds the image.
Image crop(const Image& in, int x, int y, int w, int h);

}  // namespace inferlab::data
