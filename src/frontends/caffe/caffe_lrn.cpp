// LRN composed from ONNX ops, so both engines run it without an LRN kernel:
//   ACROSS_CHANNELS: y = x / (k + alpha/n * sum over n neighbouring channels of x^2)^beta
//   WITHIN_CHANNEL:  y = x / (1 + alpha/n^2 * sum over an n x n window of x^2)^beta
// The window sums are average pools with zero padding counted (Caffe divides by n or n^2
// whatever the border), over the channel axis made spatial by an Unsqueeze.
#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

std::string scalar_op(Builder& b, const Layer& l, const char* op, const std::string& x, float v) {
  const std::string out = b.temp(l.name() + "/" + op);
  b.add(l, op, {x, b.constant(l.name() + "/" + op + "_c", f32_tensor({}, {v}))}, {out});
  return out;
}

void convert_lrn(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const auto& p = l.lrn_param();
  const std::string x = b.bottom(l);
  if (b.shape(x).size() != 4) fail("{}: input '{}' must be N, C, H, W", b.where(l), x);
  const std::int64_t n = p.local_size();
  if (n <= 0 || n % 2 == 0) fail("{}: local_size must be odd and positive (got {})", b.where(l), n);
  const std::int64_t half = (n - 1) / 2;
  const std::string sq = b.temp(l.name() + "/square");
  b.add(l, "Mul", {x, x}, {sq});
  Attributes pool;
  pool.set("count_include_pad", std::int64_t{1});
  std::string avg = b.temp(l.name() + "/average");
  const bool across = p.norm_region() == caffe::LRNParameter::ACROSS_CHANNELS;
  if (across) {
    const std::string axes = b.constant(l.name() + "/axes", i64_tensor({1}));
    const std::string u = b.temp(l.name() + "/unsqueezed");
    b.add(l, "Unsqueeze", {sq, axes}, {u});
    pool.set("kernel_shape", std::vector<std::int64_t>{n, 1, 1});
    pool.set("pads", std::vector<std::int64_t>{half, 0, 0, half, 0, 0});
    const std::string pooled = b.temp(l.name() + "/pooled");
    b.add(l, "AveragePool", {u}, {pooled}, pool);
    b.add(l, "Squeeze", {pooled, axes}, {avg});
  } else {
    pool.set("kernel_shape", std::vector<std::int64_t>{n, n});
    pool.set("pads", std::vector<std::int64_t>{half, half, half, half});
    b.add(l, "AveragePool", {sq}, {avg}, pool);
  }
  const std::string scaled = scalar_op(b, l, "Mul", avg, p.alpha());
  const std::string shifted = scalar_op(b, l, "Add", scaled, across ? p.k() : 1.0f);
  const std::string denom = scalar_op(b, l, "Pow", shifted, p.beta());
  b.add(l, "Div", {x, denom}, {b.top(l)});
}

}  // namespace

INFERLAB_CAFFE_LAYER("LRN", convert_lrn);

}  // namespace inferlab::caffe_import
