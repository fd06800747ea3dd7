#pragma once
// SSD-style detection post-processing: box decoding against priors with variances, optional
// softmax, per-class greedy NMS, per-class and per-image top-k, mapping to source-image pixels.
#include <string>
#include <vector>

#include "data/preprocess.h"
#include "data/priors.h"

namespace inferlab::data {

struct Detection {
  int label = 0;  // class index with the background class removed
  float score = 0;
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // source-image pixels (0-based, continuous)
};

struct DetectionConfig {
  std::string name = "custom";
  PriorConfig priors;          // unused when boxes_decoded
  bool boxes_decoded = false;  // the model outputs corner boxes (x1, y1, x2, y2) in [0, 1]
  bool scores_softmaxed = false;
  float center_variance = 0.1f, size_variance = 0.2f;
  int background = 0;  // class index without detections (-1: none)
  float score_threshold = 0.01f;
  float iou_threshold = 0.45f;
  int top_k_per_class = 400;  // candidates per class before NMS
  int keep_per_image = 200;
  bool clip_boxes = true;  // clip decoded boxes to the image
};

std::vector<std::string> detection_preset_names();
// "ssd300" (SSD300 VOC priors, 21 classes, logits), "ssd300-torchvision" (torchvision
// ssd300_vgg16's scales 0.07..1.05), "ultraface" (raw regressions against
// generated priors, softmaxed scores, NMS IoU 0.3 / score 0.7 as the model's authors run it),
// "ultraface-decoded" (the same net with decoding in the graph).
DetectionConfig detection_preset(const std::string& name);
// A JSON config, optionally starting from a preset:
// {"preset": "ssd300", "priors": {"type": "ssd", "image_size": [300, 300],
//   "feature_maps": [38, 19, 10, 5, 3, 1], "steps": [8, 16, 32, 64, 100, 300],
//   "min_sizes": [...], "max_sizes": [...], "aspect_ratios": [[2], [2, 3], ...], "clip": "size"}
//  or {"type": "ultraface", "image_size": [320, 240], "min_boxes": [[10, 16, 24], ...],
//   "strides": [8, 16, 32, 64]},
//  "boxes_decoded": false, "scores_softmaxed": false, "center_variance": 0.1,
//  "size_variance": 0.2, "background": 0, "score_threshold": 0.01, "iou_threshold": 0.45,
//  "top_k_per_class": 400, "keep_per_image": 200, "clip_boxes": true}
DetectionConfig parse_detection_config(const std::string& json_text, const std::string& what);
// A preset name, or the path of a JSON config file.
DetectionConfig load_detection_config(const std::string& name_or_path);

// IoU of two corner boxes (continuous coordinates, no +1).
float iou(const Detection& a, const Detection& b);

// Greedy NMS over detections of one class, highest score first; returns kept indices.
std::vector<std::size_t> nms(const std::vector<Detection>& dets, float iou_threshold);

// One image: `scores` is [num_priors, num_classes], `boxes` [num_priors, 4] (regressions, or
// corner boxes when decoded). Boxes come back in source-image pixels through `geometry`
// (model-input pixels = normalised * input size).
std::vector<Detection> postprocess_detections(const float* scores, const float* boxes,
                                              std::size_t num_priors, int num_classes,
                                              const DetectionConfig& cfg,
                                              const std::vector<Prior>& priors, int input_w,
                                              int input_h, const Geometry& geometry);

}  // namespace inferlab::data
