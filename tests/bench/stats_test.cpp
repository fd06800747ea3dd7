#include <gtest/gtest.h>

#include <cmath>

#include "inferlab/lab/stats.h"

using namespace inferlab::bench;

TEST(Stats, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);  // unsorted on purpose
  EXPECT_EQ(percentile_nearest_rank(v, 50), 50);
  EXPECT_EQ(percentile_nearest_rank(v, 90), 90);
  EXPECT_EQ(percentile_nearest_rank(v, 99), 99);
  EXPECT_EQ(percentile_nearest_rank(v, 100), 100);
  EXPECT_EQ(percentile_nearest_rank({7.0}, 99), 7);
  // 10 values: p90 is the 9th smallest, p99 the 10th.
  std::vector<double> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(percentile_nearest_rank(ten, 90), 9);
  EXPECT_EQ(percentile_nearest_rank(ten, 99), 10);
  EXPECT_EQ(percentile_nearest_rank(ten, 50), 5);
}

TEST(Stats, Summary) {
  const LatencySummary s = summarize_latencies({4, 1, 3, 2});
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 4);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_EQ(s.p50, 2);
  EXPECT_EQ(s.p99, 4);
  EXPECT_EQ(summarize_latencies({}).count, 0);
}

TEST(Stats, ThroughputUsesSameRequests) {
  Repetition r;
  r.samples = 300;
  r.wall_s = 1.5;
  EXPECT_DOUBLE_EQ(r.throughput(), 200);
  r.wall_s = 0;
  EXPECT_EQ(r.throughput(), 0);
}

TEST(Stats, SpreadMedianCiCv) {
  const Spread s = compute_spread({10, 12, 11});
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.median, 11);
  EXPECT_DOUBLE_EQ(s.mean, 11);
  EXPECT_NEAR(s.stddev, 1.0, 1e-12);
  EXPECT_NEAR(s.cv, 1.0 / 11, 1e-12);
  // t(0.975, 2) = 4.303: half width 4.303 * 1 / sqrt(3).
  EXPECT_NEAR(s.ci95_high - s.mean, 4.303 / std::sqrt(3.0), 1e-9);
  EXPECT_NEAR(s.mean - s.ci95_low, 4.303 / std::sqrt(3.0), 1e-9);
  const Spread even = compute_spread({1, 2, 3, 10});
  EXPECT_DOUBLE_EQ(even.median, 2.5);
  const Spread one = compute_spread({5});
  EXPECT_EQ(one.cv, 0);
  EXPECT_EQ(one.ci95_low, 5);
}

TEST(Stats, StudentT) {
  EXPECT_NEAR(student_t95(1), 12.706, 1e-9);
  EXPECT_NEAR(student_t95(10), 2.228, 1e-9);
  EXPECT_NEAR(student_t95(1000), 1.96, 0.01);
}
