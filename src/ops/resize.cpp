// Resize (opsets 10, 11, 13) and Upsample (7, 9): nearest and N-D linear interpolation with the
// ONNX coordinate transformation modes. Scales/sizes must be constants at compile time.
#include <cmath>

#include "ops/op_util.h"

namespace inferlab {
namespace {

struct Plan {
  std::vector<float> scales;
  Shape out;
};

Plan plan(const Node& n, const Shape& s, const std::vector<const Value*>& in) {
  Plan p;
  std::vector<float> scales;
  std::vector<std::int64_t> sizes;
  if (n.op_type == "Upsample") {
    scales =
        n.opset < 9 ? n.attrs.get_floats("scales") : ops::const_floats(ops::opt(in, 1), "scales");
  } else if (n.opset < 11) {
    scales = ops::const_floats(ops::opt(in, 1), "scales");
  } else {
    if (ops::opt(in, 2) && in[2]->shape != Shape{0}) scales = ops::const_floats(in[2], "scales");
    if (ops::opt(in, 3)) sizes = ops::const_ints(in[3], "sizes");
  }
  if (n.attrs.has("axes")) unsupported("the axes attribute is not supported");
  if (!sizes.empty()) {
    if (sizes.size() != s.size()) fail("sizes has {} entries for rank {}", sizes.size(), s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
      // Nothing to interpolate from (and the index clamping below needs one element).
      if (s[i] == 0 && sizes[i] != 0) fail("cannot resize empty dimension {} to {}", i, sizes[i]);
      p.out.push_back(sizes[i]);
      p.scales.push_back(s[i] ? static_cast<float>(sizes[i]) / static_cast<float>(s[i]) : 1.f);
    }
    return p;
  }
  if (scales.size() != s.size()) fail("scales has {} entries for rank {}", scales.size(), s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!(scales[i] > 0)) fail("scale {} is not positive", scales[i]);
    p.out.push_back(static_cast<std::int64_t>(std::floor(static_cast<double>(s[i]) * scales[i])));
  }
  p.scales = scales;
  return p;
}

std::string mode_of(const Node& n) {
  std::string m = n.attrs.get_string("mode", "nearest");
  if (m == "bilinear" || m == "trilinear") m = "linear";
  return m;
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  if (in.empty() || !in[0]) fail("missing input");
  ops::require_float(in[0]);
  const std::string mode = mode_of(n);
  if (mode != "nearest" && mode != "linear") unsupported("mode '{}' is not supported", mode);
  const std::string ct = n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  if (ct == "tf_crop_and_resize")
    unsupported("coordinate mode tf_crop_and_resize is not supported");
  if (n.attrs.get_int("antialias", 0)) unsupported("antialias is not supported");
  ops::set_output(out[0], DType::f32, plan(n, in[0]->shape, in).out);
}

// Source coordinate of output index x along an axis.
double source_coord(const std::string& ct, double x, float scale, std::int64_t in_len,
                    std::int64_t out_len) {
  if (ct == "half_pixel") return (x + 0.5) / scale - 0.5;
  if (ct == "pytorch_half_pixel") return out_len > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  if (ct == "align_corners") {
    // The ONNX definition divides by the unrounded resized length (in_len * scale).
    const double resized = static_cast<double>(in_len) * scale;
    return out_len == 1 ? 0.0 : x * static_cast<double>(in_len - 1) / (resized - 1.0);
  }
  if (ct == "asymmetric") return x / scale;
  if (ct == "tf_half_pixel_for_nn") return (x + 0.5) / scale;
  fail("unknown coordinate_transformation_mode '{}'", ct);
}

std::int64_t nearest(const std::string& nm, double c, std::int64_t len) {
  double r;
  if (nm == "floor") {
    r = std::floor(c);
  } else if (nm == "ceil") {
    r = std::ceil(c);
  } else if (nm == "round_prefer_ceil") {
    r = std::round(c);
  } else if (nm == "round_prefer_floor") {
    r = (c - std::floor(c) == 0.5) ? std::floor(c) : std::round(c);
  } else {
    fail("unknown nearest_mode '{}'", nm);
  }
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(r), 0, len - 1);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  const Shape& os = out[0].shape();
  // Rebuild the plan from the constant tensors the kernel receives.
  const ops::ConstantValues cv(in);
  const Plan p = plan(n, s, cv.ptrs);
  const bool legacy = n.op_type == "Upsample" || n.opset < 11;
  const std::string ct =
      legacy ? "asymmetric" : n.attrs.get_string("coordinate_transformation_mode", "half_pixel");
  const std::string nm =
      legacy ? "floor" : n.attrs.get_string("nearest_mode", "round_prefer_floor");
  const bool linear = mode_of(n) == "linear";
  const std::size_t r = s.size();
  // Per axis and output index: the two source indices and the weight of the second.
  std::vector<std::vector<std::int64_t>> i0(r), i1(r);
  std::vector<std::vector<double>> wt(r);
  for (std::size_t d = 0; d < r; ++d) {
    for (std::int64_t x = 0; x < os[d]; ++x) {
      const double c = source_coord(ct, static_cast<double>(x), p.scales[d], s[d], os[d]);
      if (!linear) {
        i0[d].push_back(nearest(nm, c, s[d]));
        i1[d].push_back(i0[d].back());
        wt[d].push_back(0);
        continue;
      }
      const double cc = std::clamp(c, 0.0, static_cast<double>(s[d] - 1));
      const auto a = static_cast<std::int64_t>(std::floor(cc));
      i0[d].push_back(a);
      i1[d].push_back(std::min(a + 1, s[d] - 1));
      wt[d].push_back(cc - static_cast<double>(a));
    }
  }
  const auto st = shape_strides(s);
  const float* x = in[0].data<float>();
  float* y = out[0].data<float>();
  std::vector<std::int64_t> idx(r, 0);
  for (std::int64_t o = 0; o < out[0].numel(); ++o) {
    double acc = 0;
    for (std::uint32_t corner = 0; corner < (1u << r); ++corner) {
      double w = 1;
      std::int64_t off = 0;
      for (std::size_t d = 0; d < r && w != 0; ++d) {
        const bool hi = (corner >> d) & 1u;
        w *= hi ? wt[d][idx[d]] : 1.0 - wt[d][idx[d]];
        off += (hi ? i1[d][idx[d]] : i0[d][idx[d]]) * st[d];
      }
      if (w != 0) acc += w * x[off];
    }
    y[o] = static_cast<float>(acc);
    for (std::size_t d = r; d-- > 0;) {
      if (++idx[d] < os[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Resize", infer, run, true, {1, 2, 3}});
INFERLAB_REGISTER_OP({"Upsample", infer, run, true, {1}});
}  // namespace inferlab
