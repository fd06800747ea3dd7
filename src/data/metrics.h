#pragma once
// Accuracy metrics: top-k classification accuracy and PASCAL VOC mean average precision.
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "data/detection.h"

namespace inferlab::data {

// Indices of the k largest scores, best first (ties: lower index first).
std::vector<int> top_k(const float* scores, int n, int k);

struct TopKAccuracy {
  std::int64_t images = 0, top1 = 0, top5 = 0;
  // Quantized models output scores on a coarse grid, so several classes can share the best score
  // exactly; the ranking then decides top-1 (lower index first, as numpy's and torch's argmax).
  // Counted so that a report can say how much of a top-1 figure rests on tie-breaking.
  std::int64_t top1_ties = 0;       // images whose best score is shared by several classes
  std::int64_t top1_tie_label = 0;  // of those, the label is tied for best but ranked after
  void add(const float* scores, int num_classes, int label);
  double top1_rate() const { return images ? static_cast<double>(top1) / images : 0; }
  // Top-1 if every tie were broken in the label's favour.
  double top1_rate_ties_won() const {
    return images ? static_cast<double>(top1 + top1_tie_label) / images : 0;
  }
  double top5_rate() const { return images ? static_cast<double>(top5) / images : 0; }
};

enum class ApMethod {
  voc07_11point,  // VOC2007: mean of the max precision at recall >= 0, 0.1, ..., 1
  all_points,     // VOC2010+: area under the monotone precision envelope
};

// Average precision of one class from its precision/recall curve.
double average_precision(const std::vector<double>& recall, const std::vector<double>& precision,
                         ApMethod method);

struct VocEvaluation {
  // Per class; nullopt where the class has no non-difficult ground truth (AP undefined: such
  // classes are left out of the mean).
  std::vector<std::optional<double>> ap07, ap12;
  std::vector<int> positives;  // non-difficult ground-truth objects per class
  double map07 = 0, map12 = 0;
};

// The official devkit's matching (VOCevaldet / py-faster-rcnn voc_eval): detections of a class
// sorted by score over all images; each is a true positive if its best-overlapping ground truth
// (pixel-inclusive IoU, +1 on widths) overlaps > `iou_threshold` and is not yet taken,
// a false positive if it is taken (duplicate) or nothing overlaps enough; detections matched to
// `difficult` objects count as neither. `gt[i]` and `dets[i]` belong to image i.
VocEvaluation evaluate_voc(const std::vector<std::vector<Object>>& gt,
                           const std::vector<std::vector<Detection>>& dets, int num_classes,
                           double iou_threshold = 0.5);

}  // namespace inferlab::data
