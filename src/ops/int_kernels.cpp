#include "ops/int_kernels.h"

namespace inferlab::ops {

std::vector<std::int32_t> centered(const Tensor& t, const std::vector<std::int32_t>& zero_point,
                                   std::int64_t inner) {
  std::vector<std::int32_t> v(static_cast<std::size_t>(t.numel()));
  const auto dim = static_cast<std::int64_t>(zero_point.size());
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    const std::int32_t zp = zero_point[dim == 1 ? 0 : static_cast<std::size_t>((i / inner) % dim)];
    v[static_cast<std::size_t>(i)] =
        (t.dtype() == DType::u8 ? t.data<std::uint8_t>()[i] : t.data<std::int8_t>()[i]) - zp;
  }
  return v;
}

namespace {
Window window_of(const Node& n, const Shape& x, const Shape& w) {
  const auto kernel = n.attrs.get_ints("kernel_shape", spatial(w));
  if (kernel != spatial(w)) fail("kernel_shape does not match the weight shape {}", shape_str(w));
  return make_window(n, spatial(x), kernel);
}
}  // namespace

Shape int_conv_shape(const Node& n, const Shape& x, const Shape& w) {
  if (x.size() < 3 || w.size() != x.size())
    fail("input {} and weight {} ranks do not fit", shape_str(x), shape_str(w));
  if (x.size() > 4)
    unsupported("{}-D integer convolution is not supported (1-D, 2-D)", x.size() - 2);
  const std::int64_t group = n.attrs.get_int("group", 1);
  if (group < 1 || x[1] % group || w[0] % group || x[1] / group != w[1])
    fail("input channels {} / group {} do not match weight {}", x[1], group, shape_str(w));
  const Window win = window_of(n, x, w);
  Shape r{x[0], w[0]};
  r.insert(r.end(), win.out.begin(), win.out.end());
  return r;
}

void int_conv(const Node& n, const std::vector<std::int32_t>& x, const Shape& xs,
              const std::vector<std::int32_t>& w, const Shape& ws, const std::int32_t* bias,
              std::int32_t* acc) {
  const Window win = window_of(n, xs, ws);
  const bool two_d = xs.size() == 4;  // 1-D runs as 2-D with a height of 1
  const std::int64_t group = n.attrs.get_int("group", 1);
  const std::int64_t N = xs[0], C = xs[1], M = ws[0], cg = C / group, mg = M / group;
  const std::int64_t H = two_d ? xs[2] : 1, W = xs.back(), KH = two_d ? ws[2] : 1, KW = ws.back();
  const std::int64_t OH = two_d ? win.out[0] : 1, OW = win.out.back();
  const std::int64_t sh = two_d ? win.strides[0] : 1, sw = win.strides.back();
  const std::int64_t dh = two_d ? win.dilations[0] : 1, dw = win.dilations.back();
  const std::int64_t ph = two_d ? win.pad_begin[0] : 0, pw = win.pad_begin.back();
  for (std::int64_t nb = 0; nb < N; ++nb) {
    for (std::int64_t m = 0; m < M; ++m) {
      const std::int64_t g = m / mg;
      std::int32_t* yp = acc + (nb * M + m) * OH * OW;
      for (std::int64_t i = 0; i < OH * OW; ++i) yp[i] = bias ? bias[m] : 0;
      for (std::int64_t c = 0; c < cg; ++c) {
        const std::int32_t* xp = x.data() + (nb * C + g * cg + c) * H * W;
        for (std::int64_t kh = 0; kh < KH; ++kh) {
          for (std::int64_t kw = 0; kw < KW; ++kw) {
            const std::int32_t wv = w[static_cast<std::size_t>(((m * cg + c) * KH + kh) * KW + kw)];
            if (wv == 0) continue;
            for (std::int64_t oh = 0; oh < OH; ++oh) {
              const std::int64_t ih = oh * sh - ph + kh * dh;
              if (ih < 0 || ih >= H) continue;
              const std::int32_t* row = xp + ih * W;
              std::int32_t* yrow = yp + oh * OW;
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
}

MatMulShapes matmul_shapes(const Shape& a0, const Shape& b0) {
  if (a0.empty() || b0.empty()) fail("operands must have rank >= 1");
  MatMulShapes s{a0, b0, {}, {}};
  if (s.a.size() == 1) s.a.insert(s.a.begin(), 1);
  if (s.b.size() == 1) s.b.push_back(1);
  const std::int64_t M = s.a[s.a.size() - 2], K = s.a.back(), K2 = s.b[s.b.size() - 2],
                     N = s.b.back();
  if (K != K2) fail("inner dimensions differ: {} and {}", shape_str(a0), shape_str(b0));
  s.out = broadcast_shapes(Shape(s.a.begin(), s.a.end() - 2), Shape(s.b.begin(), s.b.end() - 2),
                           "batch dims");
  s.result = s.out;
  if (a0.size() > 1) s.result.push_back(M);
  if (b0.size() > 1) s.result.push_back(N);
  s.out.push_back(M);
  s.out.push_back(N);
  return s;
}

void int_matmul(const MatMulShapes& s, const std::vector<std::int32_t>& a,
                const std::vector<std::int32_t>& b, std::int32_t* acc) {
  const std::int64_t M = s.out[s.out.size() - 2], N = s.out.back(), K = s.a.back();
  const Shape batch(s.out.begin(), s.out.end() - 2);
  const Shape ab(s.a.begin(), s.a.end() - 2), bb(s.b.begin(), s.b.end() - 2);
  for_each_broadcast(ab, bb, batch, [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
    const std::int32_t* ap = a.data() + ia * M * K;
    const std::int32_t* bp = b.data() + ib * K * N;
    std::int32_t* y = acc + o * M * N;
    for (std::int64_t i = 0; i < M * N; ++i) y[i] = 0;
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t k = 0; k < K; ++k) {
        const std::int32_t av = ap[i * K + k];
        for (std::int64_t j = 0; j < N; ++j) y[i * N + j] += av * bp[k * N + j];
      }
  });
}

}  // namespace inferlab::ops
