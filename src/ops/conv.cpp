// Conv (N-D, groups, dilations, pads/auto_pad, optional bias): a direct loop nest. The 2-D case
// has its own loop with a contiguous inner loop, since it carries every real model.
#include "ops/spatial.h"

namespace inferlab {
namespace {

using ops::Window;

Window window_of(const Node& n, const Shape& x, const Shape& w) {
  auto kernel = n.attrs.get_ints("kernel_shape", ops::spatial(w));
  if (kernel != ops::spatial(w))
    fail("kernel_shape does not match the weight shape {}", shape_str(w));
  return ops::make_window(n, ops::spatial(x), kernel);
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 3);
  ops::require_float(in[0]);
  ops::require_float(in[1], "weight");
  const Shape &x = in[0]->shape, &w = in[1]->shape;
  if (x.size() < 3 || w.size() != x.size())
    fail("input {} and weight {} ranks do not fit", shape_str(x), shape_str(w));
  ops::require_positive_dims(w, "weight");
  const std::int64_t group = n.attrs.get_int("group", 1);
  if (group < 1 || x[1] % group || w[0] % group || x[1] / group != w[1]) {
    fail("input channels {} / group {} do not match weight {}", x[1], group, shape_str(w));
  }
  if (auto* b = ops::opt(in, 2)) {
    ops::require_float(b, "bias");
    if (b->shape != Shape{w[0]}) fail("bias shape {} is not [{}]", shape_str(b->shape), w[0]);
  }
  const Window win = window_of(n, x, w);
  Shape r{x[0], w[0]};
  r.insert(r.end(), win.out.begin(), win.out.end());
  ops::set_output(out[0], DType::f32, r);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape &xs = in[0].shape(), &ws = in[1].shape(), &ys = out[0].shape();
  const Window win = window_of(n, xs, ws);
  const std::int64_t group = n.attrs.get_int("group", 1);
  const std::int64_t N = xs[0], C = xs[1], M = ws[0], cg = C / group, mg = M / group;
  const float* x = in[0].data<float>();
  const float* w = in[1].data<float>();
  const float* b = in.size() > 2 && !in[2].empty() ? in[2].data<float>() : nullptr;
  float* y = out[0].data<float>();
  const auto in_sp = ops::spatial(xs);
  const std::int64_t in_size = shape_numel(Shape(in_sp.begin(), in_sp.end()));
  const std::int64_t out_size = shape_numel(Shape(win.out.begin(), win.out.end()));
  const std::int64_t k_size = shape_numel(Shape(win.kernel.begin(), win.kernel.end()));

  if (xs.size() == 4) {
    const std::int64_t H = xs[2], W = xs[3], OH = ys[2], OW = ys[3], KH = ws[2], KW = ws[3];
    const std::int64_t sh = win.strides[0], sw = win.strides[1], dh = win.dilations[0],
                       dw = win.dilations[1];
    const std::int64_t ph = win.pad_begin[0], pw = win.pad_begin[1];
    for (std::int64_t nb = 0; nb < N; ++nb) {
      for (std::int64_t m = 0; m < M; ++m) {
        const std::int64_t g = m / mg;
        float* yp = y + (nb * M + m) * OH * OW;
        for (std::int64_t i = 0; i < OH * OW; ++i) yp[i] = b ? b[m] : 0.f;
        for (std::int64_t c = 0; c < cg; ++c) {
          const float* xp = x + (nb * C + g * cg + c) * H * W;
          for (std::int64_t kh = 0; kh < KH; ++kh) {
            for (std::int64_t kw = 0; kw < KW; ++kw) {
              const float wv = w[((m * cg + c) * KH + kh) * KW + kw];
              for (std::int64_t oh = 0; oh < OH; ++oh) {
                const std::int64_t ih = oh * sh - ph + kh * dh;
                if (ih < 0 || ih >= H) continue;
                const float* row = xp + ih * W;
                float* yrow = yp + oh * OW;
                for (std::int64_t ow = 0; ow < OW; ++ow) {
                  const std::int64_t iw = ow * sw - pw + kw * dw;
                  if (iw >= 0 && iw < W) yrow[ow] += wv * row[iw];
                }
              }
            }
          }
        }
      }
    }
    return;
  }
  // General N-D path.
  const std::size_t r = in_sp.size();
  const auto in_st = shape_strides(Shape(in_sp.begin(), in_sp.end()));
  for (std::int64_t nb = 0; nb < N; ++nb) {
    for (std::int64_t m = 0; m < M; ++m) {
      const std::int64_t g = m / mg;
      ops::for_each_position(win.out, [&](std::int64_t o, const std::vector<std::int64_t>& op) {
        double acc = b ? b[m] : 0.0;
        for (std::int64_t c = 0; c < cg; ++c) {
          const float* xp = x + (nb * C + g * cg + c) * in_size;
          const float* wp = w + (m * cg + c) * k_size;
          ops::for_each_position(
              win.kernel, [&](std::int64_t k, const std::vector<std::int64_t>& kp) {
                std::int64_t off = 0;
                for (std::size_t d = 0; d < r; ++d) {
                  const std::int64_t i =
                      op[d] * win.strides[d] - win.pad_begin[d] + kp[d] * win.dilations[d];
                  if (i < 0 || i >= in_sp[d]) return;
                  off += i * in_st[d];
                }
                acc += static_cast<double>(wp[k]) * xp[off];
              });
        }
        y[(nb * M + m) * out_size + o] = static_cast<float>(acc);
      });
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Conv", infer, run});
}  // namespace inferlab
