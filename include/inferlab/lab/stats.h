#pragma once
// The one place where benchmark statistics are computed (definitions: docs/metrics.md).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace inferlab::bench {

// Per-request latency summary in milliseconds. Percentiles use the nearest-rank method
// (the smallest value with at least p% of the samples at or below it), as MLPerf LoadGen does.
struct LatencySummary {
  std::int64_t count = 0;
  double min = 0, mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

double percentile_nearest_rank(std::vector<double> values, double p);

// Latencies counted at 1 us resolution (the reports print 3 decimals of ms), so a summary of a
// whole run takes memory bounded by the number of distinct microsecond values, not by the
// number of queries: a 30-minute soak keeps a flat RSS (docs/metrics.md). Percentiles are the
// nearest-rank percentiles of the latencies rounded to 1 us, as are min and max (so that
// min <= p50 <= p90 <= p99 <= max always holds); count and mean are exact.
class LatencyHistogram {
 public:
  void add(double ms);
  void add(const std::vector<double>& ms) {
    for (double v : ms) add(v);
  }
  void merge(const LatencyHistogram& o);
  std::int64_t count() const { return n_; }
  // The k-th smallest latency (1-based, clamped to [1, count]) in ms; 0 when empty.
  double kth_smallest(std::int64_t k) const;
  double percentile(double p) const;  // nearest rank
  LatencySummary summary() const;
  // Microseconds -> number of queries, ascending: the histogram itself (`bench --latency-log`).
  const std::map<std::int64_t, std::int64_t>& counts() const { return counts_; }

 private:
  std::map<std::int64_t, std::int64_t> counts_;  // microseconds -> queries
  std::int64_t n_ = 0;
  double sum_ = 0;
};

LatencySummary summarize_latencies(const std::vector<double>& latencies_ms);

// What one repetition measured: completed samples over the wall time from the first issue to
// the last completion of the same measured (post-warm-up) requests.
struct Repetition {
  std::vector<double> latencies_ms;  // one per measured query
  std::int64_t samples = 0;          // samples completed by those queries
  double wall_s = 0;
  double throughput() const { return wall_s > 0 ? static_cast<double>(samples) / wall_s : 0; }
};

// Spread of a per-repetition figure: median, 95% confidence interval of the mean (Student t),
// coefficient of variation (sample stddev / mean).
struct Spread {
  int n = 0;
  double median = 0, mean = 0, stddev = 0, cv = 0, ci95_low = 0, ci95_high = 0;
};
Spread compute_spread(const std::vector<double>& values);
// Two-sided 95% Student t quantile for `dof` degrees of freedom.
double student_t95(int dof);

inline constexpr double kSpreadWarnCv = 0.05;

// MLPerf LoadGen's early-stopping estimate of a percentile latency: an upper bound that holds
// with `confidence` (LoadGen: 0.99) given only n latencies. With t of the n latencies above an
// estimate E, E bounds the true p-th percentile if observing at most t exceedances would be
// unlikely were P(latency > E) above 1 - p: BinomialCDF(t; n, 1 - p) <= 1 - confidence. The
// estimate is the (n - t)-th smallest latency for the largest such t. `enough` is false when
// even t = 0 fails (fewer than `min_queries` latencies). Definition: docs/metrics.md.
struct EarlyStopEstimate {
  bool enough = false;
  double latency_ms = 0;
  std::int64_t overlatency = 0;  // t: latencies allowed above the estimate
  std::int64_t min_queries = 0;  // the fewest latencies that give an estimate at all
};
EarlyStopEstimate early_stopping_estimate(const LatencyHistogram& latencies, double percentile,
                                          double confidence = 0.99);
EarlyStopEstimate early_stopping_estimate(const std::vector<double>& latencies_ms,
                                          double percentile, double confidence = 0.99);
// P(X <= k) for X ~ Binomial(n, q).
double binomial_cdf(std::int64_t k, std::int64_t n, double q);

}  // namespace inferlab::bench
