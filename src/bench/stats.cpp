#include "inferlab/lab/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace inferlab::bench {

double percentile_nearest_rank(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  // Rank k = ceil(p/100 * n), 1-based, clamped to [1, n].
  auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * n - 1e-9));
  k = std::clamp<std::size_t>(k, 1, values.size());
  return values[k - 1];
}

void LatencyHistogram::add(double ms) {
  ++n_;
  sum_ += ms;
  ++counts_[std::llround(ms * 1000.0)];
}

void LatencyHistogram::merge(const LatencyHistogram& o) {
  n_ += o.n_;
  sum_ += o.sum_;
  for (const auto& [us, c] : o.counts_) counts_[us] += c;
}

double LatencyHistogram::kth_smallest(std::int64_t k) const {
  if (n_ == 0) return 0;
  k = std::clamp<std::int64_t>(k, 1, n_);
  std::int64_t seen = 0;
  for (const auto& [us, c] : counts_) {
    seen += c;
    if (seen >= k) return static_cast<double>(us) / 1000.0;
  }
  return static_cast<double>(counts_.rbegin()->first) / 1000.0;
}

double LatencyHistogram::percentile(double p) const {
  // Rank k = ceil(p/100 * n), 1-based, as percentile_nearest_rank.
  return kth_smallest(
      static_cast<std::int64_t>(std::ceil(p / 100.0 * static_cast<double>(n_) - 1e-9)));
}

LatencySummary LatencyHistogram::summary() const {
  LatencySummary s;
  s.count = n_;
  if (n_ == 0) return s;
  s.min = static_cast<double>(counts_.begin()->first) / 1000.0;
  s.max = static_cast<double>(counts_.rbegin()->first) / 1000.0;
  s.mean = sum_ / static_cast<double>(n_);
  s.p50 = percentile(50);
  s.p90 = percentile(90);
  s.p99 = percentile(99);
  return s;
}

LatencySummary summarize_latencies(const std::vector<double>& v) {
  LatencyHistogram h;
  h.add(v);
  return h.summary();
}

double student_t95(int dof) {
  static const double table[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                 2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                 2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                 2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof <= 0) return 0;
  if (dof <= 30) return table[dof];
  return 1.96 + 2.4 / dof;  // close to the t quantile beyond the table
}

Spread compute_spread(const std::vector<double>& v) {
  Spread s;
  s.n = static_cast<int>(v.size());
  if (v.empty()) return s;
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  s.median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
  if (n > 1) {
    double ss = 0;
    for (double x : sorted) ss += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(ss / static_cast<double>(n - 1));
  }
  s.cv = s.mean != 0 ? s.stddev / s.mean : 0;
  const double half = student_t95(static_cast<int>(n) - 1) * s.stddev / std::sqrt(double(n));
  s.ci95_low = s.mean - half;
  s.ci95_high = s.mean + half;
  return s;
}

double binomial_cdf(std::int64_t k, std::int64_t n, double q) {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const double lq = std::log(q), lr = std::log1p(-q);
  const double lgn = std::lgamma(static_cast<double>(n) + 1);
  double cdf = 0;
  for (std::int64_t i = 0; i <= k; ++i) {
    const double di = static_cast<double>(i), dn = static_cast<double>(n);
    cdf +=
        std::exp(lgn - std::lgamma(di + 1) - std::lgamma(dn - di + 1) + di * lq + (dn - di) * lr);
  }
  return std::min(cdf, 1.0);
}

EarlyStopEstimate early_stopping_estimate(const std::vector<double>& v, double percentile,
                                          double confidence) {
  LatencyHistogram h;
  h.add(v);
  return early_stopping_estimate(h, percentile, confidence);
}

EarlyStopEstimate early_stopping_estimate(const LatencyHistogram& h, double percentile,
                                          double confidence) {
  EarlyStopEstimate e;
  const double p = percentile / 100.0, alpha = 1 - confidence;
  // t = 0 needs p^n <= alpha.
  e.min_queries = static_cast<std::int64_t>(std::ceil(std::log(alpha) / std::log(p) - 1e-9));
  const std::int64_t n = h.count();
  if (n < e.min_queries) return e;
  // The CDF grows with t: walk t up while it stays within alpha, summing the pmf incrementally.
  const double q = 1 - p, lq = std::log(q), lr = std::log1p(-q);
  const double lgn = std::lgamma(static_cast<double>(n) + 1);
  double cdf = 0;
  std::int64_t t = -1;
  for (std::int64_t i = 0; i < n; ++i) {
    const double di = static_cast<double>(i), dn = static_cast<double>(n);
    cdf +=
        std::exp(lgn - std::lgamma(di + 1) - std::lgamma(dn - di + 1) + di * lq + (dn - di) * lr);
    if (cdf > alpha) break;
    t = i;
  }
  if (t < 0) return e;
  e.enough = true;
  e.overlatency = t;
  e.latency_ms = h.kth_smallest(n - t);
  return e;
}

}  // namespace inferlab::bench
