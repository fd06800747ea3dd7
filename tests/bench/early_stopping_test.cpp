#include <gtest/gtest.h>

#include "inferlab/lab/stats.h"

using namespace inferlab::bench;

TEST(EarlyStopping, BinomialCdf) {
  EXPECT_NEAR(binomial_cdf(0, 10, 0.5), 1.0 / 1024, 1e-12);
  EXPECT_NEAR(binomial_cdf(5, 10, 0.5), 638.0 / 1024, 1e-12);
  EXPECT_EQ(binomial_cdf(10, 10, 0.3), 1.0);
  EXPECT_EQ(binomial_cdf(-1, 10, 0.3), 0.0);
}

TEST(EarlyStopping, MinimumQueries) {
  // With no exceedance allowed, p^n <= 0.01: 44 queries for p90, 459 for p99.
  std::vector<double> v(43, 1.0);
  EXPECT_FALSE(early_stopping_estimate(v, 90).enough);
  EXPECT_EQ(early_stopping_estimate(v, 90).min_queries, 44);
  EXPECT_EQ(early_stopping_estimate(v, 99).min_queries, 459);
  std::vector<double> v44;
  for (int i = 1; i <= 44; ++i) v44.push_back(i);
  const auto e = early_stopping_estimate(v44, 90);
  ASSERT_TRUE(e.enough);
  EXPECT_EQ(e.overlatency, 0);
  EXPECT_EQ(e.latency_ms, 44);  // nothing may exceed it: the maximum
}

TEST(EarlyStopping, BoundsThePercentileFromAbove) {
  std::vector<double> v;
  for (int i = 1000; i >= 1; --i) v.push_back(i);
  const auto e = early_stopping_estimate(v, 90);
  ASSERT_TRUE(e.enough);
  // The estimate is above the observed p90 (900) and t is the largest count whose binomial
  // CDF stays within 1 - confidence.
  EXPECT_GT(e.latency_ms, 900);
  EXPECT_LT(e.latency_ms, 935);
  EXPECT_LE(binomial_cdf(e.overlatency, 1000, 0.1), 0.01);
  EXPECT_GT(binomial_cdf(e.overlatency + 1, 1000, 0.1), 0.01);
  EXPECT_EQ(e.latency_ms, 1000 - e.overlatency);
}
