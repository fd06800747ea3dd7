// DetectionOutput (Caffe SSD / OpenVINO semantics; not an ONNX op): decodes box regressions
// against prior boxes, keeps per class the top_k scores above confidence_threshold, applies
// greedy NMS, then keeps the keep_top_k best over all classes of an image.
// Inputs: loc [N, P*4], conf [N, P*C], priors [1, 2, P*4] (boxes, then variances).
// Output: [1, 1, N * keep_top_k, 7] rows (image, label, score, xmin, ymin, xmax, ymax) ordered by
// image, label, then score; unused rows have image -1 (OpenVINO's convention: a fixed shape).
#include <algorithm>
#include <cmath>

#include "ops/op_util.h"

namespace inferlab {
namespace {

struct Box {
  float x0, y0, x1, y1;
};

struct Params {
  std::int64_t classes, background, top_k, keep_top_k;
  float nms, threshold;
  bool center_size, encoded;
};

Params params(const Node& n) {
  Params p;
  p.classes = n.attrs.get_int("num_classes");
  p.background = n.attrs.get_int("background_label_id", 0);
  p.top_k = n.attrs.get_int("top_k", -1);
  p.keep_top_k = n.attrs.get_int("keep_top_k", -1);
  p.nms = n.attrs.get_float("nms_threshold", 0.3f);
  p.threshold = n.attrs.get_float("confidence_threshold", 0.0f);
  const std::string code = n.attrs.get_string("code_type", "CENTER_SIZE");
  if (code != "CENTER_SIZE" && code != "CORNER")
    unsupported("code_type '{}' is not supported", code);
  p.center_size = code == "CENTER_SIZE";
  p.encoded = n.attrs.get_int("variance_encoded_in_target", 0) != 0;
  if (n.attrs.get_int("share_location", 1) == 0)
    unsupported("share_location false is not supported");
  if (p.classes <= 0) fail("num_classes must be positive");
  return p;
}

// Rows per image in the output: keep_top_k, else every candidate that can survive.
std::int64_t rows_per_image(const Params& p, std::int64_t priors) {
  if (p.keep_top_k > 0) return p.keep_top_k;
  return p.classes * (p.top_k > 0 ? std::min(p.top_k, priors) : priors);
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 3, 3);
  const Params p = params(n);
  const Shape& loc = in[0]->shape;
  const Shape& conf = in[1]->shape;
  const Shape& pri = in[2]->shape;
  if (loc.size() < 2 || conf.size() < 2 || pri.size() != 3 || pri[1] != 2)
    fail("needs loc [N, P*4], conf [N, P*C] and priors [1, 2, P*4]");
  const std::int64_t priors = pri[2] / 4;
  if (shape_numel(loc) != loc[0] * priors * 4 ||
      shape_numel(conf) != conf[0] * priors * p.classes || loc[0] != conf[0])
    fail("loc {} and conf {} do not match {} priors of {} classes", shape_str(loc), shape_str(conf),
         priors, p.classes);
  ops::set_output(out[0], DType::f32, {1, 1, loc[0] * rows_per_image(p, priors), 7});
}

Box decode(const Params& p, const float* pr, const float* var, const float* d) {
  if (!p.center_size) {
    auto v = [&](int i) { return p.encoded ? d[i] : var[i] * d[i]; };
    return {pr[0] + v(0), pr[1] + v(1), pr[2] + v(2), pr[3] + v(3)};
  }
  const float pw = pr[2] - pr[0], ph = pr[3] - pr[1];
  const float pcx = (pr[0] + pr[2]) / 2, pcy = (pr[1] + pr[3]) / 2;
  auto v = [&](int i) { return p.encoded ? d[i] : var[i] * d[i]; };
  const float cx = v(0) * pw + pcx, cy = v(1) * ph + pcy;
  const float w = std::exp(v(2)) * pw, h = std::exp(v(3)) * ph;
  return {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

float iou(const Box& a, const Box& b) {
  const float iw = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const float ih = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (iw <= 0 || ih <= 0) return 0;
  const float inter = iw * ih;
  const float area = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return area > 0 ? inter / area : 0;
}

struct Kept {
  std::int64_t label, index;
  float score;
};

// One image: per-class candidates, NMS, then the keep_top_k best over all classes.
std::vector<Kept> detect(const Params& p, const std::vector<Box>& boxes, const float* conf,
                         std::int64_t priors) {
  std::vector<Kept> all;
  for (std::int64_t c = 0; c < p.classes; ++c) {
    if (c == p.background) continue;
    std::vector<std::pair<float, std::int64_t>> cand;
    for (std::int64_t i = 0; i < priors; ++i)
      if (conf[i * p.classes + c] > p.threshold) cand.emplace_back(conf[i * p.classes + c], i);
    std::stable_sort(cand.begin(), cand.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    if (p.top_k > 0 && static_cast<std::int64_t>(cand.size()) > p.top_k)
      cand.resize(static_cast<std::size_t>(p.top_k));
    std::vector<std::int64_t> keep;
    for (const auto& [s, i] : cand) {
      bool suppressed = false;
      for (auto k : keep) suppressed = suppressed || iou(boxes[i], boxes[k]) > p.nms;
      if (!suppressed) {
        keep.push_back(i);
        all.push_back({c, i, s});
      }
    }
  }
  if (p.keep_top_k > 0 && static_cast<std::int64_t>(all.size()) > p.keep_top_k) {
    std::stable_sort(all.begin(), all.end(),
                     [](const Kept& a, const Kept& b) { return a.score > b.score; });
    all.resize(static_cast<std::size_t>(p.keep_top_k));
  }
  std::stable_sort(all.begin(), all.end(), [](const Kept& a, const Kept& b) {
    return a.label != b.label ? a.label < b.label : a.score > b.score;
  });
  return all;
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Params p = params(n);
  const float* loc = in[0].data<float>();
  const float* conf = in[1].data<float>();
  const float* pri = in[2].data<float>();
  const std::int64_t batch = in[0].shape()[0], priors = in[2].shape()[2] / 4;
  float* y = out[0].data<float>();
  std::fill(y, y + out[0].numel(), 0.0f);
  std::int64_t row = 0;
  for (std::int64_t b = 0; b < batch; ++b) {
    std::vector<Box> boxes(static_cast<std::size_t>(priors));
    for (std::int64_t i = 0; i < priors; ++i)
      boxes[i] = decode(p, pri + i * 4, pri + priors * 4 + i * 4, loc + (b * priors + i) * 4);
    for (const Kept& k : detect(p, boxes, conf + b * priors * p.classes, priors)) {
      const Box& bx = boxes[k.index];
      const float r[7] = {
          static_cast<float>(b), static_cast<float>(k.label), k.score, bx.x0, bx.y0, bx.x1, bx.y1};
      std::copy(r, r + 7, y + 7 * row++);
    }
  }
  for (; row < out[0].shape()[2]; ++row) y[7 * row] = -1;  // end marker rows
}

}  // namespace
INFERLAB_REGISTER_OP({"DetectionOutput", infer, run});
}  // namespace inferlab
