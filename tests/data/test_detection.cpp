// Prior generation, box decoding, NMS and post-processing on hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>

#include "data/detection.h"
#include "data/priors.h"
#include "ir/error.h"

namespace inferlab::data {
namespace {

TEST(DataPriors, Ssd300VocHas8732InTorchvisionOrder) {
  const auto priors = generate_priors(ssd_priors(ssd300_voc_spec()));
  ASSERT_EQ(priors.size(), 8732u);  // 38^2*4 + 19^2*6 + 10^2*6 + 5^2*6 + 3^2*4 + 4
  // First cell of the 38x38 map: centre 4/300; sizes 30, sqrt(30*60), then ratio 2 wide and tall.
  const float c = 4.0f / 300;
  const float s = 0.1f, big = static_cast<float>(std::sqrt(30.0 * 60.0) / 300);
  const float q = std::sqrt(2.0f);
  const Prior expect[4] = {
      {c, c, s, s}, {c, c, big, big}, {c, c, s * q, s / q}, {c, c, s / q, s * q}};
  for (int i = 0; i < 4; ++i)
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(priors[i][k], expect[i][k], 1e-6) << i << "," << k;
  // Next cell is along x (row-major).
  EXPECT_NEAR(priors[4][0], 12.0f / 300, 1e-6);
  EXPECT_NEAR(priors[4][1], c, 1e-6);
  // Second map starts at 5776 with 6 boxes per cell; its 5th box is ratio 3 (wide).
  EXPECT_NEAR(priors[5776][0], 8.0f / 300, 1e-6);
  EXPECT_NEAR(priors[5776 + 4][2], 60.0f / 300 * std::sqrt(3.0f), 1e-6);
  // Last prior: the 1x1 map, clipped size (sqrt(264*315)/300 > 1 is clamped... it is 0.96).
  EXPECT_NEAR(priors.back()[0], 0.5f, 1e-6);
  EXPECT_NEAR(priors[8732 - 3][2], std::sqrt(264.0f * 315.0f) / 300, 1e-6);
  EXPECT_NEAR(priors[8732 - 2][2], 1.0f, 1e-6);  // 264*sqrt(2)/300 = 1.24, clamped
}

TEST(DataPriors, Ultraface320Has4420AndAuthorsCentres) {
  const PriorConfig cfg = ultraface_320_priors();
  const auto priors = generate_priors(cfg);
  ASSERT_EQ(priors.size(), 4420u);  // 40*30*3 + 20*15*2 + 10*8*2 + 5*4*3
  EXPECT_NEAR(priors[0][0], 4.0f / 320, 1e-6);
  EXPECT_NEAR(priors[0][2], 10.0f / 320, 1e-6);
  EXPECT_NEAR(priors[0][3], 10.0f / 240, 1e-6);
  EXPECT_NEAR(priors[2][2], 24.0f / 320, 1e-6);
  // The stride-64 map (5x4) starts at 4360: centre y = 0.5 / 4 (spacing 240 / 4 = 60 px).
  const std::size_t last_map = 3600 + 600 + 160;
  EXPECT_NEAR(priors[last_map][0], 0.5f / 5, 1e-6);
  EXPECT_NEAR(priors[last_map][1], 0.5f / 4, 1e-6);
  EXPECT_NEAR(priors[last_map + 2][3], 1.0f, 1e-6);  // 256/240 clamped to 1
  EXPECT_NEAR(priors[last_map + 2][2], 256.0f / 320, 1e-6);
}

TEST(DataPriors, BadSpecsThrow) {
  SsdPriorSpec s = ssd300_voc_spec();
  s.steps.pop_back();
  EXPECT_THROW(ssd_priors(s), Error);
  EXPECT_THROW(ultraface_priors(320, 240, {{10}}, {8, 16}), Error);
}

Detection scored_box(int label, float score, float x1, float y1, float x2, float y2) {
  return {label, score, x1, y1, x2, y2};
}

TEST(DataNms, SuppressesOverlapsKeepsTheBest) {
  std::vector<Detection> d = {scored_box(0, 0.8f, 0, 0, 10, 10), scored_box(0, 0.9f, 1, 0, 11, 10),
                              scored_box(0, 0.7f, 20, 20, 30, 30),
                              scored_box(0, 0.6f, 0, 0, 10, 5)};
  // IoU(0,1) = 90/110 = 0.82; IoU(1,3) = 45/105 = 0.43; IoU(0,3) = 50/100 = 0.5.
  EXPECT_NEAR(iou(d[0], d[1]), 90.0f / 110, 1e-6);
  auto keep = nms(d, 0.45f);
  EXPECT_EQ(keep, (std::vector<std::size_t>{1, 2, 3}));
  keep = nms(d, 0.4f);
  EXPECT_EQ(keep, (std::vector<std::size_t>{1, 2}));
}

TEST(DataPostprocess, DecodesWithVariancesAndMapsToTheImage) {
  DetectionConfig cfg;
  cfg.scores_softmaxed = true;
  cfg.score_threshold = 0.5f;
  cfg.priors.image_w = 100;
  cfg.priors.image_h = 100;
  const std::vector<Prior> priors = {{0.5f, 0.5f, 0.2f, 0.4f}, {0.2f, 0.2f, 0.1f, 0.1f}};
  // Prior 0: dx = 1 moves the centre by 0.1 * w = 0.02; dw = ln(2) / 0.2 doubles the width.
  const float boxes[8] = {1.0f, 0, static_cast<float>(std::log(2.0) / 0.2), 0, 0, 0, 0, 0};
  const float scores[4] = {0.1f, 0.9f, 0.6f, 0.4f};  // prior 1 is background
  Geometry g;
  g.scale_x = 2;  // source image twice the model input
  g.scale_y = 3;
  g.offset_x = 10;
  const auto d = postprocess_detections(scores, boxes, 2, 2, cfg, priors, 100, 100, g);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].label, 0);  // class 1 minus the background
  EXPECT_FLOAT_EQ(d[0].score, 0.9f);
  // Normalised box: cx 0.52, w 0.4 -> x 0.32..0.72; cy 0.5, h 0.4 -> y 0.3..0.7.
  EXPECT_NEAR(d[0].x1, 0.32f * 100 * 2 + 10, 1e-3);
  EXPECT_NEAR(d[0].x2, 0.72f * 100 * 2 + 10, 1e-3);
  EXPECT_NEAR(d[0].y1, 0.3f * 100 * 3, 1e-3);
  EXPECT_NEAR(d[0].y2, 0.7f * 100 * 3, 1e-3);
}

TEST(DataPostprocess, SoftmaxPerClassNmsAndTopK) {
  DetectionConfig cfg;  // SSD defaults: softmax, score 0.01, IoU 0.45, background 0
  const std::vector<Prior> priors = {
      {0.5f, 0.5f, 0.2f, 0.2f}, {0.51f, 0.5f, 0.2f, 0.2f}, {0.1f, 0.1f, 0.1f, 0.1f}};
  const float boxes[12] = {};
  // Logits over 3 classes (background, A, B). Priors 0 and 1 overlap (IoU 0.9): per class only
  // the stronger survives, but class A and class B are suppressed independently.
  const float scores[9] = {0, 3, 2.5f, 0, 2, 3, 5, -5, -5};
  Geometry g;
  auto d = postprocess_detections(scores, boxes, 3, 3, cfg, priors, 1, 1, g);
  ASSERT_EQ(d.size(), 2u);
  // B from prior 1 (e^3 / (1 + e^2 + e^3) = .705) ranks above A from prior 0 (.604).
  EXPECT_EQ(d[0].label, 1);
  EXPECT_EQ(d[1].label, 0);
  EXPECT_NEAR(d[0].x1, 0.41f, 1e-6);
  EXPECT_NEAR(d[1].x1, 0.4f, 1e-6);
  EXPECT_NEAR(d[0].score, std::exp(3.0f) / (1 + std::exp(2.0f) + std::exp(3.0f)), 1e-6);
  EXPECT_NEAR(d[1].score, std::exp(3.0f) / (1 + std::exp(3.0f) + std::exp(2.5f)), 1e-6);
  cfg.keep_per_image = 1;
  d = postprocess_detections(scores, boxes, 3, 3, cfg, priors, 1, 1, g);
  EXPECT_EQ(d.size(), 1u);
  // Decoded-in-graph boxes are taken as corners.
  cfg = detection_preset("ultraface-decoded");
  const float corners[4] = {0.1f, 0.2f, 0.3f, 0.4f};
  const float two[2] = {0.2f, 0.8f};
  d = postprocess_detections(two, corners, 1, 2, cfg, {}, 320, 240, g);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_NEAR(d[0].x2, 0.3f * 320, 1e-4);
  EXPECT_NEAR(d[0].y1, 0.2f * 240, 1e-4);
  // A prior count mismatch is a clear error.
  cfg = detection_preset("ultraface");
  EXPECT_THROW(
      postprocess_detections(two, corners, 1, 2, cfg, generate_priors(cfg.priors), 320, 240, g),
      Error);
}

TEST(DataDetectionConfig, JsonConfigsBuildTheSamePriors) {
  const DetectionConfig u = parse_detection_config(
      R"({"priors": {"type": "ultraface", "image_size": [320, 240],
          "min_boxes": [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]],
          "strides": [8, 16, 32, 64]},
          "scores_softmaxed": true, "score_threshold": 0.7, "iou_threshold": 0.3})",
      "uf.json");
  const auto a = generate_priors(u.priors), b = generate_priors(ultraface_320_priors());
  ASSERT_EQ(a.size(), 4420u);
  EXPECT_EQ(a, b);
  EXPECT_FLOAT_EQ(u.iou_threshold, 0.3f);
  const DetectionConfig s = parse_detection_config(
      R"({"priors": {"type": "ssd", "image_size": 300, "feature_maps": [38, 19, 10, 5, 3, 1],
          "steps": [8, 16, 32, 64, 100, 300], "min_sizes": [30, 60, 111, 162, 213, 264],
          "max_sizes": [60, 111, 162, 213, 264, 315],
          "aspect_ratios": [[2], [2, 3], [2, 3], [2, 3], [2], [2]], "clip": "size"}})",
      "ssd.json");
  EXPECT_EQ(generate_priors(s.priors), generate_priors(detection_preset("ssd300").priors));
  EXPECT_FLOAT_EQ(s.iou_threshold, 0.45f);  // SSD defaults
  EXPECT_FLOAT_EQ(s.score_threshold, 0.01f);
  EXPECT_EQ(s.keep_per_image, 200);
  EXPECT_EQ(generate_priors(detection_preset("ssd300-torchvision").priors).size(), 8732u);
  // torchvision's first box: scale 0.07.
  EXPECT_NEAR(generate_priors(detection_preset("ssd300-torchvision").priors)[0][2], 0.07f, 1e-6);
  const DetectionConfig p =
      parse_detection_config(R"({"preset": "ultraface", "keep_per_image": 5})", "p.json");
  EXPECT_EQ(p.keep_per_image, 5);
  EXPECT_TRUE(p.scores_softmaxed);
  EXPECT_THROW(parse_detection_config(R"({"prior": {}})", "x.json"), Error);
  EXPECT_THROW(parse_detection_config(R"({"score_threshold": 0.5})", "x.json"), Error);
  EXPECT_THROW(parse_detection_config(R"({"priors": {"type": "yolo"}})", "x.json"), Error);
  EXPECT_THROW(load_detection_config("no-such-preset"), Error);
}

}  // namespace
}  // namespace inferlab::data
