#include "data/resize.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"

namespace inferlab::data {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // PIL's PRECISION_BITS

struct Coeffs {
  int ksize = 0;
  std::vector<int> bounds;  // per output pixel: first source index, count
  std::vector<int> k;       // per output pixel: ksize fixed-point weights
};

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// PIL's precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter (support 1).
Coeffs precompute(int in_size, int out_size) {
  Coeffs c;
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = std::max(scale, 1.0);
  const double support = 1.0 * filterscale;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.bounds.resize(2 * static_cast<std::size_t>(out_size));
  c.k.assign(static_cast<std::size_t>(out_size) * c.ksize, 0);
  std::vector<double> w(static_cast<std::size_t>(c.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[static_cast<std::size_t>(x)] = triangle((x + xmin - center + 0.5) * ss);
      ww += w[static_cast<std::size_t>(x)];
    }
    for (int x = 0; x < xmax; ++x) {
      double v = ww != 0.0 ? w[static_cast<std::size_t>(x)] / ww : w[static_cast<std::size_t>(x)];
      v *= (1 << kPrecisionBits);
      c.k[static_cast<std::size_t>(xx) * c.ksize + x] =
          static_cast<int>(v < 0 ? -0.5 + v : 0.5 + v);
    }
    c.bounds[2 * static_cast<std::size_t>(xx)] = xmin;
    c.bounds[2 * static_cast<std::size_t>(xx) + 1] = xmax;
  }
  return c;
}

std::uint8_t clip8(std::int64_t v) {
  v >>= kPrecisionBits;
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>(v, 0, 255));
}

// Rows [y0, y0 + out.height) of `in`, resampled horizontally into `out`.
void horizontal(const Image& in, Image& out, int y0, const Coeffs& c) {
  const int ch = in.channels;
  for (int y = 0; y < out.height; ++y) {
    const std::uint8_t* src = in.row(y0 + y);
    std::uint8_t* dst = out.row(y);
    for (int xx = 0; xx < out.width; ++xx) {
      const int xmin = c.bounds[2 * static_cast<std::size_t>(xx)];
      const int xmax = c.bounds[2 * static_cast<std::size_t>(xx) + 1];
      const int* k = &c.k[static_cast<std::size_t>(xx) * c.ksize];
      for (int p = 0; p < ch; ++p) {
        std::int64_t ss = 1 << (kPrecisionBits - 1);
        for (int x = 0; x < xmax; ++x) ss += std::int64_t{src[(x + xmin) * ch + p]} * k[x];
        dst[xx * ch + p] = clip8(ss);
      }
    }
  }
}

void vertical(const Image& in, Image& out, const Coeffs& c, int shift) {
  const int ch = in.channels;
  const std::size_t rowlen = static_cast<std::size_t>(out.width) * ch;
  for (int yy = 0; yy < out.height; ++yy) {
    const int ymin = c.bounds[2 * static_cast<std::size_t>(yy)] - shift;
    const int ymax = c.bounds[2 * static_cast<std::size_t>(yy) + 1];
    const int* k = &c.k[static_cast<std::size_t>(yy) * c.ksize];
    std::uint8_t* dst = out.row(yy);
    for (std::size_t i = 0; i < rowlen; ++i) {
      std::int64_t ss = 1 << (kPrecisionBits - 1);
      for (int y = 0; y < ymax; ++y) ss += std::int64_t{in.row(y + ymin)[i]} * k[y];
      dst[i] = clip8(ss);
    }
  }
}

void check_size(const Image& in, int width, int height) {
  if (width <= 0 || height <= 0) fail("resize to {}x{}: sizes must be positive", width, height);
  if (in.width <= 0 || in.height <= 0) fail("resize: empty source image");
}

}  // namespace

Image resize_bilinear_aa(const Image& in, int width, int height) {
  check_size(in, width, height);
  const bool need_h = width != in.width, need_v = height != in.height;
  const Coeffs ch = precompute(in.width, width);
  const Coeffs cv = precompute(in.height, height);
  // Source rows the vertical pass reads; the horizontal pass only produces those.
  const int first = cv.bounds[0];
  const int last = cv.bounds[2 * static_cast<std::size_t>(height) - 2] +
                   cv.bounds[2 * static_cast<std::size_t>(height) - 1];
  if (!need_h && !need_v) return in;
  if (!need_v) {
    Image out(width, height, in.channels);
    horizontal(in, out, 0, ch);
    return out;
  }
  if (!need_h) {
    Image out(width, height, in.channels);
    vertical(in, out, cv, 0);
    return out;
  }
  Image tmp(width, last - first, in.channels);
  horizontal(in, tmp, first, ch);
  Image out(width, height, in.channels);
  vertical(tmp, out, cv, first);
  return out;
}

Image resize_bilinear(const Image& in, int width, int height) {
  check_size(in, width, height);
  Image out(width, height, in.channels);
  const int ch = in.channels;
  const double sx = static_cast<double>(in.width) / width;
  const double sy = static_cast<double>(in.height) / height;
  for (int y = 0; y < height; ++y) {
    const double fy = std::max(0.0, (y + 0.5) * sy - 0.5);
    const int y0 = std::min(static_cast<int>(fy), in.height - 1);
    const int y1 = std::min(y0 + 1, in.height - 1);
    const double wy = fy - y0;
    for (int x = 0; x < width; ++x) {
      const double fx = std::max(0.0, (x + 0.5) * sx - 0.5);
      const int x0 = std::min(static_cast<int>(fx), in.width - 1);
      const int x1 = std::min(x0 + 1, in.width - 1);
      const double wx = fx - x0;
      for (int p = 0; p < ch; ++p) {
        const double top = in.row(y0)[x0 * ch + p] * (1 - wx) + in.row(y0)[x1 * ch + p] * wx;
        const double bot = in.row(y1)[x0 * ch + p] * (1 - wx) + in.row(y1)[x1 * ch + p] * wx;
        const double v = top * (1 - wy) + bot * wy;
        out.row(y)[x * ch + p] = static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
      }
    }
  }
  return out;
}

Image resize_nearest(const Image& in, int width, int height) {
  check_size(in, width, height);
  Image out(width, height, in.channels);
  const int ch = in.channels;
  // PIL's ImagingScaleAffine: source coordinates accumulated step by step (in double), which
  // decides the rounding at exact integers, then truncated.
  auto table = [](int in_size, int out_size) {
    std::vector<int> t(static_cast<std::size_t>(out_size));
    const double step = static_cast<double>(in_size) / out_size;
    double v = 0.5 * step;
    for (int i = 0; i < out_size; ++i, v += step)
      t[static_cast<std::size_t>(i)] = std::min(in_size - 1, static_cast<int>(v));
    return t;
  };
  const auto xs = table(in.width, width), ys = table(in.height, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      std::copy_n(in.row(ys[static_cast<std::size_t>(y)]) + xs[static_cast<std::size_t>(x)] * ch,
                  ch, out.row(y) + x * ch);
  return out;
}

Image crop(const Image& in, int x, int y, int w, int h) {
  if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > in.width || y + h > in.height) {
    fail("crop {}x{} at ({}, {}) exceeds the {}x{} image", w, h, x, y, in.width, in.height);
  }
  Image out(w, h, in.channels);
  for (int r = 0; r < h; ++r)
    std::copy_n(in.row(y + r) + static_cast<std::size_t>(x) * in.channels,
                static_cast<std::size_t>(w) * in.channels, out.row(r));
  return out;
}

}  // namespace inferlab::data
