// The SSD layers. PriorBox depends only on the shapes of its two bottoms (feature map, image),
// which are known at import, so it becomes a constant: [1, 2, H * W * priors * 4], boxes then
// variances, computed as Caffe SSD's PriorBoxLayer does. (A different input size given at
// compile time would need a re-import; the batch may change.) DetectionOutput maps onto the
// DetectionOutput op (src/ops/detection_output.cpp).
#include <cmath>

#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

std::vector<float> aspect_ratios(const caffe::PriorBoxParameter& p) {
  std::vector<float> ars{1.0f};
  for (float ar : p.aspect_ratio()) {
    bool seen = false;
    for (float a : ars) seen = seen || std::fabs(ar - a) < 1e-6f;
    if (seen) continue;
    ars.push_back(ar);
    if (p.flip()) ars.push_back(1.0f / ar);
  }
  return ars;
}

void convert_prior_box(Builder& b, const Layer& l) {
  b.require_bottoms(l, 2);
  const auto& p = l.prior_box_param();
  const Shape fm = b.shape(b.bottom(l, 0)), img = b.shape(b.bottom(l, 1));
  if (fm.size() != 4 || img.size() != 4) fail("{}: both bottoms must be N, C, H, W", b.where(l));
  if (p.min_size_size() == 0) fail("{}: needs min_size", b.where(l));
  if (p.max_size_size() != 0 && p.max_size_size() != p.min_size_size())
    fail("{}: needs one max_size per min_size", b.where(l));
  const std::int64_t h = fm[2], w = fm[3];
  const float img_h = p.has_img_h() ? p.img_h() : p.has_img_size() ? p.img_size() : img[2];
  const float img_w = p.has_img_w() ? p.img_w() : p.has_img_size() ? p.img_size() : img[3];
  const float step_h = p.has_step_h() ? p.step_h() : p.has_step() ? p.step() : img_h / h;
  const float step_w = p.has_step_w() ? p.step_w() : p.has_step() ? p.step() : img_w / w;
  const auto ars = aspect_ratios(p);
  std::vector<float> boxes;
  auto add = [&](float cx, float cy, float bw, float bh) {
    for (float v : {(cx - bw / 2) / img_w, (cy - bh / 2) / img_h, (cx + bw / 2) / img_w,
                    (cy + bh / 2) / img_h})
      boxes.push_back(p.clip() ? std::min(std::max(v, 0.0f), 1.0f) : v);
  };
  for (std::int64_t y = 0; y < h; ++y) {
    for (std::int64_t x = 0; x < w; ++x) {
      const float cx = (static_cast<float>(x) + p.offset()) * step_w;
      const float cy = (static_cast<float>(y) + p.offset()) * step_h;
      for (int s = 0; s < p.min_size_size(); ++s) {
        const float mn = p.min_size(s);
        add(cx, cy, mn, mn);
        if (p.max_size_size() > 0) {
          const float side = std::sqrt(mn * p.max_size(s));
          add(cx, cy, side, side);
        }
        for (float ar : ars) {
          if (std::fabs(ar - 1.0f) < 1e-6f) continue;
          add(cx, cy, mn * std::sqrt(ar), mn / std::sqrt(ar));
        }
      }
    }
  }
  const auto n = static_cast<std::int64_t>(boxes.size());
  if (p.variance_size() != 0 && p.variance_size() != 1 && p.variance_size() != 4)
    fail("{}: needs 1 or 4 variance values (got {})", b.where(l), p.variance_size());
  std::vector<float> data = boxes;
  for (std::int64_t i = 0; i < n; ++i) {
    const int k = p.variance_size() == 4 ? static_cast<int>(i % 4) : 0;
    data.push_back(p.variance_size() == 0 ? 0.1f : p.variance(k));
  }
  const std::string c = b.constant(l.name() + "/priors", f32_tensor({1, 2, n}, data));
  b.add(l, "Identity", {c}, {b.top(l)});
}

void convert_detection_output(Builder& b, const Layer& l) {
  b.require_bottoms(l, 3);
  const auto& p = l.detection_output_param();
  if (!p.has_num_classes()) fail("{}: needs num_classes", b.where(l));
  Attributes a;
  a.set("num_classes", std::int64_t{p.num_classes()});
  a.set("share_location", std::int64_t{p.share_location() ? 1 : 0});
  a.set("background_label_id", std::int64_t{p.background_label_id()});
  a.set("nms_threshold", p.nms_param().nms_threshold());
  a.set("top_k", std::int64_t{p.nms_param().has_top_k() ? p.nms_param().top_k() : -1});
  a.set("keep_top_k", std::int64_t{p.keep_top_k()});
  a.set("confidence_threshold", p.confidence_threshold());
  using PB = caffe::PriorBoxParameter;
  if (p.code_type() == PB::CORNER_SIZE) unsupported("{}: code_type CORNER_SIZE", b.where(l));
  a.set("code_type", std::string(p.code_type() == PB::CORNER ? "CORNER" : "CENTER_SIZE"));
  a.set("variance_encoded_in_target", std::int64_t{p.variance_encoded_in_target() ? 1 : 0});
  const std::string loc = b.bottom(l, 0), conf = b.bottom(l, 1), priors = b.bottom(l, 2);
  b.add(l, "DetectionOutput", {loc, conf, priors}, {b.top(l)}, a);
}

}  // namespace

INFERLAB_CAFFE_LAYER("PriorBox", convert_prior_box);
INFERLAB_CAFFE_LAYER("DetectionOutput", convert_detection_output);

}  // namespace inferlab::caffe_import
