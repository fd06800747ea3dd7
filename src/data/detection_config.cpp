// Detection post-processing configs from JSON files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "data/detection.h"
#include "ir/error.h"

namespace inferlab::data {
namespace {

using nlohmann::json;

void check_keys(const json& j, const std::vector<std::string>& keys, const std::string& what) {
  for (const auto& [k, v] : j.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      fail("{}: unknown key \"{}\"", what, k);
}

void image_size(const json& p, int& w, int& h, const std::string& what) {
  const auto& s = p.at("image_size");
  if (s.is_number_integer()) {
    w = h = s.get<int>();
  } else {
    w = s.at(0).get<int>();
    h = s.at(1).get<int>();
  }
  if (w <= 0 || h <= 0) fail("{}: priors.image_size must be positive", what);
}

PriorConfig parse_priors(const json& p, const std::string& what) {
  const std::string type = p.at("type").get<std::string>();
  if (type == "ssd") {
    check_keys(p,
               {"type", "image_size", "feature_maps", "steps", "min_sizes", "max_sizes",
                "aspect_ratios", "clip"},
               what + " priors");
    SsdPriorSpec s;
    image_size(p, s.image_w, s.image_h, what);
    s.feature_maps = p.at("feature_maps").get<std::vector<int>>();
    s.steps = p.at("steps").get<std::vector<double>>();
    s.min_sizes = p.at("min_sizes").get<std::vector<double>>();
    s.max_sizes = p.at("max_sizes").get<std::vector<double>>();
    s.aspect_ratios = p.at("aspect_ratios").get<std::vector<std::vector<double>>>();
    if (p.contains("clip")) {
      const std::string c = p["clip"].get<std::string>();
      if (c == "none")
        s.clip = PriorClip::none;
      else if (c == "size")
        s.clip = PriorClip::size;
      else if (c == "all")
        s.clip = PriorClip::all;
      else
        fail("{}: priors.clip must be none, size or all", what);
    }
    return ssd_priors(s);
  }
  if (type == "ultraface") {
    check_keys(p, {"type", "image_size", "min_boxes", "strides"}, what + " priors");
    int w = 0, h = 0;
    image_size(p, w, h, what);
    return ultraface_priors(w, h, p.at("min_boxes").get<std::vector<std::vector<double>>>(),
                            p.at("strides").get<std::vector<double>>());
  }
  fail("{}: priors.type must be ssd or ultraface (got '{}')", what, type);
}

}  // namespace

DetectionConfig parse_detection_config(const std::string& text, const std::string& what) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    fail("{}: invalid JSON: {}", what, e.what());
  }
  if (!j.is_object()) fail("{}: expected a JSON object", what);
  check_keys(j,
             {"preset", "priors", "boxes_decoded", "scores_softmaxed", "center_variance",
              "size_variance", "background", "score_threshold", "iou_threshold", "top_k_per_class",
              "keep_per_image", "clip_boxes"},
             what);
  try {
    DetectionConfig c =
        j.contains("preset") ? detection_preset(j["preset"].get<std::string>()) : DetectionConfig{};
    c.name = what;
    if (j.contains("priors")) c.priors = parse_priors(j["priors"], what);
    if (j.contains("boxes_decoded")) c.boxes_decoded = j["boxes_decoded"].get<bool>();
    if (j.contains("scores_softmaxed")) c.scores_softmaxed = j["scores_softmaxed"].get<bool>();
    if (j.contains("center_variance")) c.center_variance = j["center_variance"].get<float>();
    if (j.contains("size_variance")) c.size_variance = j["size_variance"].get<float>();
    if (j.contains("background")) c.background = j["background"].get<int>();
    if (j.contains("score_threshold")) c.score_threshold = j["score_threshold"].get<float>();
    if (j.contains("iou_threshold")) c.iou_threshold = j["iou_threshold"].get<float>();
    if (j.contains("top_k_per_class")) c.top_k_per_class = j["top_k_per_class"].get<int>();
    if (j.contains("keep_per_image")) c.keep_per_image = j["keep_per_image"].get<int>();
    if (j.contains("clip_boxes")) c.clip_boxes = j["clip_boxes"].get<bool>();
    if (!c.boxes_decoded && c.priors.layers.empty())
      fail("{}: raw box regressions need \"priors\" (or \"boxes_decoded\": true)", what);
    return c;
  } catch (const json::exception& e) {
    fail("{}: {}", what, e.what());
  }
}

DetectionConfig load_detection_config(const std::string& name_or_path) {
  if (!std::filesystem::is_regular_file(name_or_path)) return detection_preset(name_or_path);
  std::ifstream in(name_or_path);
  if (!in) fail(ErrorCode::io, "{}: cannot open detection config", name_or_path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_detection_config(ss.str(), name_or_path);
}

}  // namespace inferlab::data
