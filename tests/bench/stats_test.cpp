#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

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

// The histogram's percentiles are the nearest-rank percentiles of the latencies rounded to 1 us;
// min and max are rounded alike (never inside the percentiles); count and mean stay exact.
TEST(Stats, HistogramMatchesNearestRankAtOneMicrosecond) {
  std::vector<double> v, rounded;
  std::uint64_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const double ms = 0.5 + static_cast<double>(x >> 40) / static_cast<double>(1ULL << 24) * 20;
    v.push_back(ms);
    rounded.push_back(std::round(ms * 1000) / 1000);
  }
  LatencyHistogram h;
  h.add(v);
  EXPECT_EQ(h.count(), 5000);
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 100.0})
    EXPECT_DOUBLE_EQ(h.percentile(p), percentile_nearest_rank(rounded, p)) << p;
  const LatencySummary s = h.summary();
  double sum = 0;
  for (double ms : v) sum += ms;
  EXPECT_DOUBLE_EQ(s.mean, sum / 5000);
  EXPECT_DOUBLE_EQ(s.min, *std::min_element(rounded.begin(), rounded.end()));
  EXPECT_DOUBLE_EQ(s.max, *std::max_element(rounded.begin(), rounded.end()));
  EXPECT_LE(s.p99, s.max);
  EXPECT_GE(s.p50, s.min);
}

TEST(Stats, HistogramMergeEqualsOneHistogram) {
  LatencyHistogram a, b, all;
  for (int i = 1; i <= 300; ++i) {
    (i % 3 ? a : b).add(i * 0.25);
    all.add(i * 0.25);
  }
  LatencyHistogram m;
  m.merge(a);
  m.merge(b);
  m.merge(LatencyHistogram{});
  const LatencySummary x = m.summary(), y = all.summary();
  EXPECT_EQ(x.count, y.count);
  EXPECT_DOUBLE_EQ(x.mean, y.mean);
  EXPECT_EQ(x.min, y.min);
  EXPECT_EQ(x.max, y.max);
  EXPECT_EQ(x.p50, y.p50);
  EXPECT_EQ(x.p99, y.p99);
  EXPECT_EQ(m.kth_smallest(1), 0.25);
  EXPECT_EQ(m.kth_smallest(300), 75);
  EXPECT_EQ(LatencyHistogram{}.summary().count, 0);
}
