#include "inferlab/lab/scenario.h"

#include <algorithm>
#include <cmath>

#include "ir/error.h"

namespace inferlab::bench {

Scenario parse_scenario(const std::string& s) {
  if (s == "single_stream" || s == "singlestream" || s == "SingleStream")
    return Scenario::single_stream;
  if (s == "multi_stream" || s == "multistream" || s == "MultiStream")
    return Scenario::multi_stream;
  if (s == "offline" || s == "Offline") return Scenario::offline;
  if (s == "server" || s == "Server") return Scenario::server;
  fail("unknown scenario '{}' (known: single_stream, multi_stream, offline, server)", s);
}

std::string scenario_name(Scenario s) {
  switch (s) {
    case Scenario::single_stream:
      return "single_stream";
    case Scenario::multi_stream:
      return "multi_stream";
    case Scenario::offline:
      return "offline";
    case Scenario::server:
      return "server";
  }
  return "?";
}

void validate(const ScenarioConfig& c) {
  if (c.repetitions < 1) fail("--repetitions must be at least 1 (got {})", c.repetitions);
  if (c.iterations < 0) fail("--niter must be positive (got {})", c.iterations);
  if (c.duration_s < 0) fail("--time must be positive (got {})", c.duration_s);
  if (c.iterations == 0 && c.duration_s == 0) fail("give a duration (--time) or a count (--niter)");
  if (c.warmup < 0) fail("--warmup must be zero or more (got {})", c.warmup);
  if (c.in_flight < 1) fail("requests in flight must be at least 1 (got {})", c.in_flight);
  if (c.samples_per_query < 1)
    fail("--samples-per-query must be at least 1 (got {})", c.samples_per_query);
  if (c.sample_count < 1) fail("--samples must be at least 1 (got {})", c.sample_count);
  if (c.rate_qps < 0) fail("--rate must be positive (got {})", c.rate_qps);
  if (c.latency_bound_ms < 0) fail("--latency-bound must be positive (got {})", c.latency_bound_ms);
  if (c.scenario == Scenario::server) {
    if (c.rate_qps == 0 && !c.find_peak)
      fail("the server scenario needs --rate (queries/s) or --find-peak");
    if (c.find_peak && c.latency_bound_ms == 0) fail("--find-peak needs --latency-bound (ms)");
  } else if (c.find_peak || c.rate_qps > 0) {
    fail("--rate and --find-peak apply to the server scenario only");
  }
}

double ScenarioResult::headline_latency_ms() const {
  return config.scenario == Scenario::single_stream ? latency.p90 : latency.p99;
}

std::int64_t server_max_outstanding(int in_flight) {
  return std::max(kMinOutstanding, kOutstandingPerRequest * std::max(1, in_flight));
}

LoadPlan make_plan(const ScenarioConfig& c, double rate_qps, std::uint64_t seed) {
  LoadPlan p;
  p.sample_count = c.sample_count;
  p.warmup_queries = c.warmup;
  p.min_queries = c.iterations;
  p.min_duration_s = c.duration_s;
  p.batch = c.batch;
  switch (c.scenario) {
    case Scenario::single_stream:
      break;
    case Scenario::multi_stream:
      p.samples_per_query = c.samples_per_query;
      break;
    case Scenario::offline:
      p.concurrency = c.in_flight;
      break;
    case Scenario::server:
      p.mode = LoadPlan::Mode::open;
      p.concurrency = c.in_flight;  // warm-up keeps every request busy
      p.arrivals_s = poisson_arrivals(rate_qps, c.duration_s, c.iterations, seed);
      p.max_outstanding = server_max_outstanding(c.in_flight);
      break;
  }
  return p;
}

RepetitionResult measure_repetition(const ScenarioConfig& c, const MeasureFn& measure, double rate,
                                    std::uint64_t seed, int index, const char* kind) {
  RepetitionResult r;
  r.index = index;
  r.kind = kind;
  r.rate_qps = rate;
  const LoadPlan plan = make_plan(c, rate, seed);
  r.record = measure(plan);
  r.latency = summarize_latencies(r.record.measured.latencies_ms);
  r.warmup = summarize_latencies(r.record.warmup_ms);
  r.throughput_fps = r.record.measured.throughput();
  if (c.scenario == Scenario::server && c.latency_bound_ms > 0)
    r.bound_met = r.latency.p99 <= c.latency_bound_ms;
  if (r.record.saturated) {
    r.invalid_reason = fmt::format(
        "system saturated: {} queries outstanding at {:.4g} queries/s, issuing stopped at "
        "{:.3f} s of the schedule",
        plan.max_outstanding, rate, r.record.stopped_at_s);
  } else if (c.scenario == Scenario::server &&
             static_cast<std::int64_t>(plan.arrivals_s.size()) >= kMaxPlannedArrivals) {
    r.invalid_reason =
        fmt::format("the arrival schedule was cut at {} queries (--rate x --time too large)",
                    kMaxPlannedArrivals);
  }
  if (!r.invalid_reason.empty()) r.bound_met = false;
  return r;
}

namespace {

// Highest Poisson rate whose p99 meets the bound: grow from an estimate until it fails, then
// bisect to 3% of the rate.
double find_peak(const ScenarioConfig& c, const MeasureFn& measure, const RepetitionFn& on_done,
                 std::vector<RepetitionResult>& trials) {
  double rate = c.rate_qps;
  int n = 0;
  if (rate <= 0) {  // estimate from a closed loop that keeps every request busy
    ScenarioConfig est = c;
    est.scenario = Scenario::offline;
    RepetitionResult r = measure_repetition(est, measure, 0, c.seed, ++n, "peak_trial");
    trials.push_back(r);
    if (on_done) on_done(r);
    rate = std::max(0.1, r.throughput_fps / std::max(1, c.batch));
  }
  auto trial = [&](double q) {
    ++n;
    RepetitionResult r = measure_repetition(c, measure, q, c.seed + 1000 + n, n, "peak_trial");
    trials.push_back(r);
    if (on_done) on_done(r);
    return r.bound_met;
  };
  double lo = 0, hi = rate;
  for (int i = 0; i < 8 && trial(hi); ++i) {
    lo = hi;
    hi *= 2;
  }
  if (lo == hi) return lo;
  while ((hi - lo) > 0.03 * hi && n < 20) {
    const double mid = 0.5 * (lo + hi);
    if (trial(mid))
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

}  // namespace

void pool_latencies(ScenarioResult& res, RepetitionResult& r) {
  res.latency_counts.add(r.record.measured.latencies_ms);
  res.warmup_counts.add(r.record.warmup_ms);
  std::vector<double>().swap(r.record.measured.latencies_ms);
  std::vector<double>().swap(r.record.warmup_ms);
}

void aggregate_repetitions(ScenarioResult& res, std::vector<RepetitionResult> reps) {
  if (reps.empty()) fail("no repetition completed");
  std::vector<double> fps;
  res.bound_met = true;
  for (auto& r : reps) {
    fps.push_back(r.throughput_fps);
    pool_latencies(res, r);  // nothing left to count when run_scenario pooled it already
    res.bound_met = res.bound_met && r.bound_met;
    if (res.invalid_reason.empty()) res.invalid_reason = r.invalid_reason;
  }
  res.repetitions = std::move(reps);
  res.throughput = compute_spread(fps);
  res.latency = res.latency_counts.summary();
  res.warmup = res.warmup_counts.summary();
  res.first_inference_ms = res.repetitions.front().record.first_inference_ms;
}

ScenarioResult run_scenario(const ScenarioConfig& c, const MeasureFn& measure,
                            const RepetitionFn& on_done) {
  validate(c);
  ScenarioResult res;
  res.config = c;
  double rate = c.rate_qps;
  if (c.scenario == Scenario::server && c.find_peak) {
    res.peak_rate_qps = find_peak(c, measure, on_done, res.peak_trials);
    if (res.peak_rate_qps <= 0)
      fail("--find-peak: no rate met the latency bound of {} ms", c.latency_bound_ms);
    rate = res.peak_rate_qps;
  }
  std::vector<RepetitionResult> reps;
  for (int i = 0; i < c.repetitions; ++i) {
    RepetitionResult r = measure_repetition(
        c, measure, rate, c.seed + static_cast<std::uint64_t>(i), i + 1, "repetition");
    if (on_done) on_done(r);
    pool_latencies(res, r);
    reps.push_back(std::move(r));
  }
  aggregate_repetitions(res, std::move(reps));
  return res;
}

}  // namespace inferlab::bench
