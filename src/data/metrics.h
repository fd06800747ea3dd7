#pragma once
// Accuracy metrics: top-k classification accuracy and PASCAL VOC mean average precision.
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "data/detection.h"
#include "inferlab/lab/accuracy.h"

namespace inferlab::data {

// Indices of the k largest scores, best first (ties: lower index first).
std::vector<int> top_k(const float* scores, int n, int k);

enum class ApMethod {
  voc07_11point,  // VOC2007: mean of the max precision at recall >= 0, 0.1, ..., 1
  all_points,     // VOC2010+: area under the monotone precision envelope
};

// Average precision of one class from its precision/recall curve.
double average_precision(const std::vector<double>& recall, const std::vector<double>& precision,
                         ApMethod method);

// The official devkit's matching (VOCevaldet / py-faster-rcnn voc_eval): detections of a class
// sorted by score over all images; each is a true positive if its best-overlapping ground truth
// (pixel-inclusive IoU, +1 on widths) overlaps > `iou_threshold` and is not yet taken,
// a false positive if it is taken (duplicate) or nothing overlaps enough; detections matched to
// `difficult` objects count as neither. `gt[i]` and `dets[i]` belong to image i.
VocEvaluation evaluate_voc(const std::vector<std::vector<Object>>& gt,
                           const std::vector<std::vector<Detection>>& dets, int num_classes,
                           double iou_threshold = 0.5);

}  // namespace inferlab::data
