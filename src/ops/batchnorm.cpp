// BatchNormalization in inference mode: y = (x - mean) / sqrt(var + eps) * scale + bias, per
// channel (dimension 1).
#include <cmath>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 5, 5);
  // Opsets 7/8 have `spatial`; 0 means per-element statistics of shape C x D1 x ..., which
  // no exporter we know of emits.
  if (n.opset < 9 && n.attrs.get_int("spatial", 1) == 0)
    unsupported("spatial=0 (per-element statistics) is not supported");
  // Opset 14 added training_mode; the training outputs were optional since opset 7.
  if (n.attrs.get_int("training_mode", 0) != 0) unsupported("training mode is not supported");
  ops::require_float(in[0]);
  const Shape& x = in[0]->shape;
  if (x.size() < 2) fail("input must have a channel dimension, got {}", shape_str(x));
  for (int i = 1; i < 5; ++i) {
    ops::require_float(in[i], "statistics input");
    if (in[i]->shape != Shape{x[1]})
      fail("input {} has shape {}, expected [{}]", i, shape_str(in[i]->shape), x[1]);
  }
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i]) unsupported("training outputs (running mean/var) are not supported");
  ops::set_output(out[0], DType::f32, x);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const float eps = n.attrs.get_float("epsilon", 1e-5f);
  const Shape& xs = in[0].shape();
  const std::int64_t N = xs[0], C = xs[1], size = C && N ? in[0].numel() / (N * C) : 0;
  const float *x = in[0].data<float>(), *scale = in[1].data<float>(), *bias = in[2].data<float>(),
              *mean = in[3].data<float>(), *var = in[4].data<float>();
  float* y = out[0].data<float>();
  for (std::int64_t c = 0; c < C; ++c) {
    const float a = scale[c] / std::sqrt(var[c] + eps);
    const float b = bias[c] - mean[c] * a;
    for (std::int64_t nb = 0; nb < N; ++nb) {
      const std::int64_t base = (nb * C + c) * size;
      for (std::int64_t k = 0; k < size; ++k) y[base + k] = x[base + k] * a + b;
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"BatchNormalization", infer, run, true, {}, {5, 5}, {1, 5}});
}  // namespace inferlab
