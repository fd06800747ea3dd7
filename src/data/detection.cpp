#include "data/detection.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "ir/error.h"

namespace inferlab::data {
namespace {

std::map<std::string, DetectionConfig> make_detection_presets() {
  std::map<std::string, DetectionConfig> m;
  DetectionConfig c;
  c.name = "ssd300";
  c.priors = ssd_priors(ssd300_voc_spec());
  m[c.name] = c;
  c.name = "ssd300-torchvision";
  c.priors = ssd_priors(ssd300_torchvision_spec());
  m[c.name] = c;
  c = {};
  c.name = "ultraface";
  c.priors = ultraface_320_priors();
  c.scores_softmaxed = true;
  c.score_threshold = 0.7f;
  c.iou_threshold = 0.3f;
  c.top_k_per_class = 200;  // the authors' candidate_size
  m[c.name] = c;
  c.name = "ultraface-decoded";
  c.boxes_decoded = true;
  m[c.name] = c;
  return m;
}

const std::map<std::string, DetectionConfig>& detection_presets() {
  static const auto m = make_detection_presets();
  return m;
}

}  // namespace

std::vector<std::string> detection_preset_names() {
  std::vector<std::string> n;
  for (const auto& [k, v] : detection_presets()) n.push_back(k);
  return n;
}

DetectionConfig detection_preset(const std::string& name) {
  auto it = detection_presets().find(name);
  if (it == detection_presets().end()) {
    std::string known;
    for (const auto& k : detection_preset_names()) known += (known.empty() ? "" : ", ") + k;
    fail("unknown detection preset '{}' (known: {})", name, known);
  }
  return it->second;
}

float iou(const Detection& a, const Detection& b) {
  const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const float inter = iw * ih;
  const float uni = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return uni > 0 ? inter / uni : 0;
}

std::vector<std::size_t> nms(const std::vector<Detection>& dets, float iou_threshold) {
  std::vector<std::size_t> order(dets.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return dets[a].score > dets[b].score; });
  std::vector<std::size_t> keep;
  std::vector<bool> removed(dets.size(), false);
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (removed[order[i]]) continue;
    keep.push_back(order[i]);
    for (std::size_t j = i + 1; j < order.size(); ++j)
      if (!removed[order[j]] && iou(dets[order[i]], dets[order[j]]) > iou_threshold)
        removed[order[j]] = true;
  }
  return keep;
}

std::vector<Detection> postprocess_detections(const float* scores, const float* boxes,
                                              std::size_t num_priors, int num_classes,
                                              const DetectionConfig& cfg,
                                              const std::vector<Prior>& priors, int input_w,
                                              int input_h, const Geometry& g) {
  if (!cfg.boxes_decoded && priors.size() != num_priors)
    fail("detection '{}': the model gives {} boxes, the prior config generates {}", cfg.name,
         num_priors, priors.size());
  // Decode every box once, in normalised corner form.
  std::vector<std::array<float, 4>> corners(num_priors);
  for (std::size_t i = 0; i < num_priors; ++i) {
    const float* b = boxes + 4 * i;
    if (cfg.boxes_decoded) {
      corners[i] = {b[0], b[1], b[2], b[3]};
    } else {
      const Prior& p = priors[i];
      const float cx = p[0] + b[0] * cfg.center_variance * p[2];
      const float cy = p[1] + b[1] * cfg.center_variance * p[3];
      const float w = p[2] * std::exp(b[2] * cfg.size_variance);
      const float h = p[3] * std::exp(b[3] * cfg.size_variance);
      corners[i] = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    }
    if (cfg.clip_boxes)
      for (float& v : corners[i]) v = std::clamp(v, 0.0f, 1.0f);
  }
  // Class probabilities.
  std::vector<float> prob(scores, scores + num_priors * num_classes);
  if (!cfg.scores_softmaxed) {
    for (std::size_t i = 0; i < num_priors; ++i) {
      float* s = &prob[i * num_classes];
      const float mx = *std::max_element(s, s + num_classes);
      float sum = 0;
      for (int c = 0; c < num_classes; ++c) sum += (s[c] = std::exp(s[c] - mx));
      for (int c = 0; c < num_classes; ++c) s[c] /= sum;
    }
  }
  std::vector<Detection> out;
  for (int c = 0; c < num_classes; ++c) {
    if (c == cfg.background) continue;
    std::vector<Detection> cand;
    for (std::size_t i = 0; i < num_priors; ++i) {
      const float s = prob[i * num_classes + c];
      if (!(s > cfg.score_threshold)) continue;
      const auto& k = corners[i];
      cand.push_back({c, s, k[0], k[1], k[2], k[3]});
    }
    std::stable_sort(cand.begin(), cand.end(),
                     [](const Detection& a, const Detection& b) { return a.score > b.score; });
    if (cfg.top_k_per_class > 0 && cand.size() > static_cast<std::size_t>(cfg.top_k_per_class))
      cand.resize(static_cast<std::size_t>(cfg.top_k_per_class));
    for (std::size_t k : nms(cand, cfg.iou_threshold)) out.push_back(cand[k]);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  if (cfg.keep_per_image > 0 && out.size() > static_cast<std::size_t>(cfg.keep_per_image))
    out.resize(static_cast<std::size_t>(cfg.keep_per_image));
  for (auto& d : out) {
    if (cfg.background >= 0 && d.label > cfg.background) --d.label;
    d.x1 = static_cast<float>(d.x1 * input_w * g.scale_x + g.offset_x);
    d.x2 = static_cast<float>(d.x2 * input_w * g.scale_x + g.offset_x);
    d.y1 = static_cast<float>(d.y1 * input_h * g.scale_y + g.offset_y);
    d.y2 = static_cast<float>(d.y2 * input_h * g.scale_y + g.offset_y);
  }
  return out;
}

}  // namespace inferlab::data
