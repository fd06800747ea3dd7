// ConvTranspose (N-D, groups, strides, dilations, pads, output_padding, output_shape,
// auto_pad): scatter each input element through the kernel into the output.
#include "ops/spatial.h"

namespace inferlab {
namespace {

struct Geometry {
  std::vector<std::int64_t> kernel, strides, dilations, pad_begin, out;
};

Geometry geometry(const Node& n, const Shape& x, const Shape& w) {
  const auto in = ops::spatial(x);
  const std::size_t r = in.size();
  Geometry g;
  g.kernel = n.attrs.get_ints("kernel_shape", ops::spatial(w));
  g.strides = n.attrs.get_ints("strides", std::vector<std::int64_t>(r, 1));
  g.dilations = n.attrs.get_ints("dilations", std::vector<std::int64_t>(r, 1));
  auto pads = n.attrs.get_ints("pads", std::vector<std::int64_t>(2 * r, 0));
  const auto out_pad = n.attrs.get_ints("output_padding", std::vector<std::int64_t>(r, 0));
  if (g.kernel.size() != r || g.strides.size() != r || g.dilations.size() != r ||
      pads.size() != 2 * r || out_pad.size() != r) {
    fail("attributes do not match {} spatial dimensions", r);
  }
  for (std::size_t i = 0; i < r; ++i) {
    if (g.kernel[i] < 1 || g.strides[i] < 1 || g.dilations[i] < 1)
      fail("kernel, strides and dilations must be positive");
    if (pads[i] < 0 || pads[i + r] < 0 || out_pad[i] < 0)
      fail("negative pads or output_padding are not supported");
  }
  const std::string auto_pad = n.attrs.get_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID" && auto_pad != "SAME_UPPER" &&
      auto_pad != "SAME_LOWER") {
    fail("unknown auto_pad '{}'", auto_pad);
  }
  g.pad_begin.resize(r);
  g.out.resize(r);
  const bool has_output_shape = n.attrs.has("output_shape");
  auto output_shape = n.attrs.get_ints("output_shape", {});
  if (has_output_shape && output_shape.size() == r + 2)
    output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  if (has_output_shape && output_shape.size() != r)
    fail("output_shape has {} entries for {} spatial dimensions", output_shape.size(), r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t full =
        g.strides[i] * (in[i] - 1) + out_pad[i] + (g.kernel[i] - 1) * g.dilations[i] + 1;
    if (has_output_shape || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const std::int64_t target = has_output_shape ? output_shape.at(i) : in[i] * g.strides[i];
      const std::int64_t total = full - target;
      // A negative total (output_shape beyond the full output) acts as extra output padding.
      // ONNX (and its reference implementation): SAME_UPPER puts the odd unit of padding at the
      // end; SAME_LOWER and an explicit output_shape without auto_pad put it at the beginning.
      g.pad_begin[i] =
          std::max<std::int64_t>(0, auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2);
      g.out[i] = target;
    } else {
      g.pad_begin[i] = auto_pad == "VALID" ? 0 : pads[i];
      g.out[i] = full - g.pad_begin[i] - (auto_pad == "VALID" ? 0 : pads[i + r]);
    }
    if (g.out[i] < 1) fail("output dimension {} is not positive", i);
  }
  return g;
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 3);
  ops::require_float(in[0]);
  const Shape &x = in[0]->shape, &w = in[1]->shape;
  const std::int64_t group = n.attrs.get_int("group", 1);
  if (x.size() < 3 || w.size() != x.size() || group < 1 || x[1] != w[0] || w[0] % group) {
    fail("input {} and weight {} do not fit (group {})", shape_str(x), shape_str(w), group);
  }
  ops::require_float(in[1], "weight");
  ops::require_positive_dims(w, "weight");
  if (auto* b = ops::opt(in, 2)) {
    ops::require_float(b, "bias");
    if (b->shape != Shape{w[1] * group})
      fail("bias shape {} is not [{}]", shape_str(b->shape), w[1] * group);
  }
  if (n.attrs.get_ints("kernel_shape", ops::spatial(w)) != ops::spatial(w))
    fail("kernel_shape does not match the weight shape {}", shape_str(w));
  const Geometry g = geometry(n, x, w);
  Shape r{x[0], w[1] * group};
  r.insert(r.end(), g.out.begin(), g.out.end());
  ops::set_output(out[0], DType::f32, r);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape &xs = in[0].shape(), &ws = in[1].shape(), &ys = out[0].shape();
  const Geometry g = geometry(n, xs, ws);
  const std::int64_t group = n.attrs.get_int("group", 1);
  const std::int64_t N = xs[0], C = xs[1], cg = C / group, mg = ws[1], M = mg * group;
  const auto in_sp = ops::spatial(xs);
  const auto out_sp = ops::spatial(ys);
  const auto out_st = shape_strides(Shape(out_sp.begin(), out_sp.end()));
  const std::int64_t in_size = shape_numel(Shape(in_sp.begin(), in_sp.end()));
  const std::int64_t out_size = shape_numel(Shape(out_sp.begin(), out_sp.end()));
  const std::int64_t k_size = shape_numel(Shape(g.kernel.begin(), g.kernel.end()));
  const float* x = in[0].data<float>();
  const float* w = in[1].data<float>();
  const float* b = in.size() > 2 && !in[2].empty() ? in[2].data<float>() : nullptr;
  float* y = out[0].data<float>();
  for (std::int64_t nb = 0; nb < N; ++nb)
    for (std::int64_t m = 0; m < M; ++m)
      for (std::int64_t o = 0; o < out_size; ++o) y[(nb * M + m) * out_size + o] = b ? b[m] : 0.f;
  const std::size_t r = in_sp.size();
  for (std::int64_t nb = 0; nb < N; ++nb) {
    for (std::int64_t c = 0; c < C; ++c) {
      const std::int64_t grp = c / cg;
      ops::for_each_position(in_sp, [&](std::int64_t i, const std::vector<std::int64_t>& ip) {
        const float xv = x[(nb * C + c) * in_size + i];
        ops::for_each_position(g.kernel, [&](std::int64_t k, const std::vector<std::int64_t>& kp) {
          std::int64_t off = 0;
          for (std::size_t d = 0; d < r; ++d) {
            const std::int64_t o = ip[d] * g.strides[d] + kp[d] * g.dilations[d] - g.pad_begin[d];
            if (o < 0 || o >= out_sp[d]) return;
            off += o * out_st[d];
          }
          for (std::int64_t m = 0; m < mg; ++m) {
            y[(nb * M + grp * mg + m) * out_size + off] += xv * w[(c * mg + m) * k_size + k];
          }
        });
      });
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"ConvTranspose", infer, run});
}  // namespace inferlab
