#pragma once
// Agreement of two detection runs over the same images (e.g. two exports of one model, or two
// backends): detections are matched per image and class by IoU; a detection without a partner
// counts as a disagreement unless its score lies within `score_margin` of the score threshold
// (where a tiny numerical difference legitimately decides whether it is reported at all).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace inferlab::data {

struct AgreementOptions {
  double min_iou = 0.9;
  double max_score_diff = 0.02;
  double score_threshold = 0;  // the threshold both runs used
  double score_margin = 0.02;
};

struct AgreementResult {
  std::size_t images = 0, matched = 0, unmatched = 0, borderline = 0;
  double worst_iou = 1, worst_score_diff = 0;
  std::vector<std::string> problems;  // one line per disagreement
  bool agree() const { return unmatched == 0; }
};

// `a` and `b` are the "predictions" arrays written by `inferlab accuracy --predictions`
// (objects with "image" and "detections": [{"class", "score", "box"}]).
AgreementResult compare_detections(const nlohmann::json& a, const nlohmann::json& b,
                                   const AgreementOptions& o);

}  // namespace inferlab::data
