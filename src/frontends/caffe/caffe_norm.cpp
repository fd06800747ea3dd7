// BatchNorm and Scale (folded into one ONNX BatchNormalization when Scale follows BatchNorm in
// place, as Caffe nets split it), Normalize (SSD's L2 normalisation) and LRN (composed from
// ONNX ops: the window sum of squares is an average pool over the channel axis).
#include <cmath>

#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

void convert_batchnorm(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const std::string x = b.bottom(l);
  const Shape& in = b.shape(x);
  if (in.size() < 2) fail("{}: input '{}' needs a channel axis", b.where(l), x);
  const std::int64_t c = in[1];
  Tensor mean = b.blob(l, 0, {c}, "mean");
  Tensor var = b.blob(l, 1, {c}, "variance");
  // Caffe stores running sums; the third blob is the factor that turns them into averages.
  float factor = 1.0f;
  if (b.blob_count(l) > 2) factor = b.blob(l, 2, {1}, "moving average factor").data<float>()[0];
  const float inv = factor == 0.0f ? 0.0f : 1.0f / factor;
  for (std::int64_t i = 0; i < c; ++i) {
    mean.data<float>()[i] *= inv;
    var.data<float>()[i] *= inv;
  }
  Attributes a;
  a.set("epsilon", l.batch_norm_param().eps());
  const std::string out = b.top(l);
  b.add(l, "BatchNormalization",
        {x, b.constant(l.name() + "/scale", f32_tensor({c}, std::vector<float>(c, 1.0f))),
         b.constant(l.name() + "/bias", f32_tensor({c}, std::vector<float>(c, 0.0f))),
         b.constant(l.name() + "/mean", mean), b.constant(l.name() + "/var", var)},
        {out}, a);
  b.unscaled_batchnorms.insert(out);
}

// Shape of a per-channel parameter of `param_shape` applied from `axis` of an input of `rank`.
Shape broadcast_shape(Shape param_shape, std::size_t rank, int axis) {
  while (param_shape.size() + static_cast<std::size_t>(axis) < rank) param_shape.push_back(1);
  return param_shape;
}

bool fold_into_batchnorm(Builder& b, const Layer& l, const std::string& x, const Tensor& gamma,
                         const Tensor* beta) {
  if (!b.unscaled_batchnorms.count(x) || l.top(0) != l.bottom(0)) return false;
  Node* bn = b.producer_of(x);
  for (const auto& n : b.graph().nodes)
    if (std::find(n.inputs.begin(), n.inputs.end(), x) != n.inputs.end()) return false;
  if (!bn || bn->op_type != "BatchNormalization") return false;
  b.unscaled_batchnorms.erase(x);
  const std::int64_t c = gamma.numel();
  b.graph().value(bn->inputs[1]).constant = gamma.reshaped({c});
  if (beta) b.graph().value(bn->inputs[2]).constant = beta->reshaped({c});
  bn->fused_from.push_back(l.name());
  b.keep_in_place(l);
  return true;
}

void convert_scale(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1, true);
  const auto& p = l.scale_param();
  const std::string x = b.bottom(l);
  const Shape in = b.shape(x);
  const int axis = normalize_axis(p.axis(), in.size(), b.where(l) + " axis");
  if (l.bottom_size() == 2) {  // the scale is the second input
    const std::string s = b.bottom(l, 1);
    Shape target = broadcast_shape(b.shape(s), in.size(), axis);
    const std::string r = b.temp(l.name() + "/scale");
    b.add(l, "Reshape", {s, b.constant(l.name() + "/shape", i64_tensor(target))}, {r});
    b.add(l, "Mul", {x, r}, {b.top(l)});
    return;
  }
  const Blob* g = b.raw_blob(l, 0);
  Shape pshape(g->shape().dim().begin(), g->shape().dim().end());
  if (pshape.empty() && g->has_channels()) pshape = {g->channels()};  // old 4-D blobs
  if (pshape.empty()) pshape = {in[static_cast<std::size_t>(axis)]};
  const Tensor gamma = b.blob(l, 0, pshape, "scale");
  Tensor beta;
  if (p.bias_term()) beta = b.blob(l, 1, pshape, "bias");
  if (axis == 1 && pshape.size() == 1 && pshape[0] == in[1] &&
      fold_into_batchnorm(b, l, x, gamma, p.bias_term() ? &beta : nullptr))
    return;
  const Shape target = broadcast_shape(pshape, in.size(), axis);
  const std::string g_name = b.constant(l.name() + "/scale", gamma.reshaped(target));
  if (!p.bias_term()) {
    b.add(l, "Mul", {x, g_name}, {b.top(l)});
    return;
  }
  const std::string scaled = b.temp(l.name() + "/scaled");
  b.add(l, "Mul", {x, g_name}, {scaled});
  b.add(l, "Add", {scaled, b.constant(l.name() + "/bias", beta.reshaped(target))}, {b.top(l)});
}

// y = x / sqrt(sum(x^2) + eps) * scale, the sum over channels (per pixel) or over C, H, W.
void convert_normalize(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const auto& p = l.norm_param();
  const std::string x = b.bottom(l);
  const Shape in = b.shape(x);
  if (in.size() != 4) fail("{}: input '{}' must be N, C, H, W", b.where(l), x);
  const std::vector<std::int64_t> axes =
      p.across_spatial() ? std::vector<std::int64_t>{1, 2, 3} : std::vector<std::int64_t>{1};
  const std::string sq = b.temp(l.name() + "/sumsq");
  Attributes ra;
  ra.set("axes", axes);
  ra.set("keepdims", std::int64_t{1});
  b.add(l, "ReduceSumSquare", {x}, {sq}, ra);
  const std::string eps = b.temp(l.name() + "/eps");
  b.add(l, "Add", {sq, b.constant(l.name() + "/epsilon", f32_tensor({}, {p.eps()}))}, {eps});
  const std::string norm = b.temp(l.name() + "/norm");
  b.add(l, "Sqrt", {eps}, {norm});
  const std::string unit = b.temp(l.name() + "/unit");
  b.add(l, "Div", {x, norm}, {unit});
  const Shape s = p.channel_shared() ? Shape{1} : Shape{in[1], 1, 1};
  const std::string scale = b.constant(l.name() + "/scale", b.blob(l, 0, s, "scale"));
  b.add(l, "Mul", {unit, scale}, {b.top(l)});
}

}  // namespace

INFERLAB_CAFFE_LAYER("BatchNorm", convert_batchnorm);
INFERLAB_CAFFE_LAYER("Scale", convert_scale);
INFERLAB_CAFFE_LAYER("Normalize", convert_normalize);

}  // namespace inferlab::caffe_import
