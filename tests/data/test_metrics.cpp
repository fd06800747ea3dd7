// Top-k and VOC average precision on small hand-computed cases.
#include <gtest/gtest.h>

#include "data/metrics.h"

namespace inferlab::data {
namespace {

Object gt(int label, float x1, float y1, float x2, float y2, bool difficult = false) {
  return {label, x1, y1, x2, y2, difficult};
}
Detection det(int label, float score, float x1, float y1, float x2, float y2) {
  return {label, score, x1, y1, x2, y2};
}

TEST(DataMetrics, TopK) {
  const float s[6] = {0.1f, 0.5f, 0.2f, 0.5f, 0.0f, 0.3f};
  EXPECT_EQ(top_k(s, 6, 3), (std::vector<int>{1, 3, 5}));  // tie: lower index first
  TopKAccuracy acc;
  acc.add(s, 6, 1);  // top-1 hit
  acc.add(s, 6, 2);  // 5th: top-5 hit only
  acc.add(s, 6, 4);  // last: miss
  EXPECT_EQ(acc.images, 3);
  EXPECT_EQ(acc.top1, 1);
  EXPECT_EQ(acc.top5, 2);
  EXPECT_DOUBLE_EQ(acc.top5_rate(), 2.0 / 3);
  // Classes 1 and 3 share the best score: all three images are ties at top-1; only the one whose
  // label is 3 (tied for best, ranked second) would become a hit if the tie went its way.
  EXPECT_EQ(acc.top1_ties, 3);
  EXPECT_EQ(acc.top1_tie_label, 0);
  acc.add(s, 6, 3);
  EXPECT_EQ(acc.top1, 1);
  EXPECT_EQ(acc.top1_ties, 4);
  EXPECT_EQ(acc.top1_tie_label, 1);
  EXPECT_DOUBLE_EQ(acc.top1_rate_ties_won(), 2.0 / 4);
  // A unique best score is no tie.
  const float u[3] = {0.1f, 0.7f, 0.7001f};
  TopKAccuracy one;
  one.add(u, 3, 1);
  EXPECT_EQ(one.top1_ties, 0);
  EXPECT_EQ(one.top1_tie_label, 0);
}

TEST(DataMetrics, PerfectDetectionsScoreOne) {
  std::vector<std::vector<Object>> g = {{gt(0, 0, 0, 9, 9), gt(1, 20, 20, 40, 40)},
                                        {gt(0, 5, 5, 15, 15)}};
  std::vector<std::vector<Detection>> d = {{det(0, 0.9f, 0, 0, 9, 9), det(1, 0.8f, 20, 20, 40, 40)},
                                           {det(0, 0.7f, 5, 5, 15, 15)}};
  const auto r = evaluate_voc(g, d, 3);  // class 2 has no ground truth
  EXPECT_DOUBLE_EQ(r.map07, 1.0);
  EXPECT_DOUBLE_EQ(r.map12, 1.0);
  EXPECT_FALSE(r.ap12[2].has_value());  // undefined, left out of the mean
  EXPECT_EQ(r.positives[0], 2);
}

TEST(DataMetrics, DuplicatesAreFalsePositives) {
  // Two objects; detections: A (0.9), a duplicate of A (0.8), B (0.7).
  // tp 1,1,2 fp 0,1,1 -> recall .5,.5,1 precision 1,.5,.667.
  // All points: .5 * 1 + .5 * .667 = .8333. VOC07: 6 thresholds <= .5 at 1, 5 at .667 -> .8485.
  std::vector<std::vector<Object>> g = {{gt(0, 0, 0, 9, 9), gt(0, 50, 50, 59, 59)}};
  std::vector<std::vector<Detection>> d = {
      {det(0, 0.9f, 0, 0, 9, 9), det(0, 0.8f, 0, 0, 9, 9), det(0, 0.7f, 50, 50, 59, 59)}};
  const auto r = evaluate_voc(g, d, 1);
  EXPECT_NEAR(*r.ap12[0], 0.5 + 0.5 * 2.0 / 3, 1e-9);
  EXPECT_NEAR(*r.ap07[0], (6 + 5 * 2.0 / 3) / 11, 1e-9);
}

TEST(DataMetrics, MissesWrongClassesAndEmptyClasses) {
  std::vector<std::vector<Object>> g = {{gt(0, 0, 0, 9, 9), gt(1, 30, 30, 39, 39)}};
  // The class-1 object is detected as class 0 (a false positive for 0, a miss for 1).
  std::vector<std::vector<Detection>> d = {
      {det(0, 0.9f, 30, 30, 39, 39), det(0, 0.5f, 0, 0, 9, 9)}};
  const auto r = evaluate_voc(g, d, 2);
  // Class 0: fp then tp -> recall 0, 1; precision 0, .5 -> all points .5, VOC07 .5.
  EXPECT_NEAR(*r.ap12[0], 0.5, 1e-9);
  EXPECT_NEAR(*r.ap07[0], 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(*r.ap12[1], 0.0);  // ground truth, no detections
  EXPECT_NEAR(r.map12, 0.25, 1e-9);
}

TEST(DataMetrics, DifficultObjectsAreIgnored) {
  std::vector<std::vector<Object>> g = {{gt(0, 0, 0, 9, 9), gt(0, 50, 50, 59, 59, true)}};
  // Detecting the difficult object counts neither way; missing it costs nothing.
  std::vector<std::vector<Detection>> d = {
      {det(0, 0.95f, 50, 50, 59, 59), det(0, 0.9f, 0, 0, 9, 9)}};
  auto r = evaluate_voc(g, d, 1);
  EXPECT_EQ(r.positives[0], 1);
  EXPECT_DOUBLE_EQ(*r.ap12[0], 1.0);
  EXPECT_DOUBLE_EQ(*r.ap07[0], 1.0);
  d = {{det(0, 0.9f, 0, 0, 9, 9)}};
  EXPECT_DOUBLE_EQ(*evaluate_voc(g, d, 1).ap12[0], 1.0);
}

TEST(DataMetrics, OverlapThresholdUsesInclusivePixels) {
  // GT 0..9 (10 px wide). A detection 5..14 overlaps 5 px of 15: IoU (5*10)/(100+100-50) = 1/3.
  // A detection 0..9 shifted to 0..12: inter 10x10, union 130+100-100 = 130 -> .77 > .5.
  std::vector<std::vector<Object>> g = {{gt(0, 0, 0, 9, 9)}};
  EXPECT_DOUBLE_EQ(*evaluate_voc(g, {{det(0, 1, 5, 0, 14, 9)}}, 1).ap12[0], 0.0);
  EXPECT_DOUBLE_EQ(*evaluate_voc(g, {{det(0, 1, 0, 0, 12, 9)}}, 1).ap12[0], 1.0);
}

TEST(DataMetrics, ElevenPointAndAllPointsDiffer) {
  // recall .25/.5/.75/1 reached at precision 1, .5, .5, .4 (hand-built curve).
  const std::vector<double> rec = {0.25, 0.5, 0.75, 1.0}, prec = {1.0, 0.5, 0.5, 0.4};
  // All points: .25*1 + .25*.5 + .25*.5 + .25*.4 = .6.
  EXPECT_NEAR(average_precision(rec, prec, ApMethod::all_points), 0.6, 1e-12);
  // 11 points: t=0,.1,.2 -> 1; .3-.7 -> .5 (5 points); .8,.9,1 -> .4: (3 + 2.5 + 1.2)/11.
  EXPECT_NEAR(average_precision(rec, prec, ApMethod::voc07_11point), 6.7 / 11, 1e-12);
  EXPECT_DOUBLE_EQ(average_precision({}, {}, ApMethod::all_points), 0.0);
}

}  // namespace
}  // namespace inferlab::data
