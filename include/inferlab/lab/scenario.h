#pragma once
// Scenarios in the spirit of MLPerf LoadGen, turned into load plans, run with repetitions:
//   single_stream  one query after another (report p90 latency)
//   multi_stream   queries of N samples issued together, one after another (report p99)
//   offline        every request in flight all the time (report samples/s)
//   server         Poisson arrivals at a target rate (report p99 and whether the bound holds);
//                  find_peak searches the highest rate that meets the bound.
#include <functional>
#include <string>
#include <vector>

#include "inferlab/lab/loadgen.h"
#include "inferlab/lab/stats.h"

namespace inferlab::bench {

enum class Scenario { single_stream, multi_stream, offline, server };
Scenario parse_scenario(const std::string& s);  // throws Error listing the names
std::string scenario_name(Scenario s);

struct ScenarioConfig {
  Scenario scenario = Scenario::single_stream;
  int repetitions = 3;
  std::int64_t iterations = 0;  // measured queries per repetition (0: by duration only)
  double duration_s = 0;        // minimum measured time per repetition (0: by count only)
  std::int64_t warmup = 2;      // warm-up queries after the first inference
  int in_flight = 1;            // concurrency the system under test offers (offline)
  int samples_per_query = 8;    // multi_stream
  std::int64_t sample_count = 1;
  int batch = 1;
  double rate_qps = 0;          // server: target arrival rate (0 with find_peak: estimated)
  double latency_bound_ms = 0;  // server: bound on p99 (0: none)
  bool find_peak = false;
  std::uint64_t seed = 1;
};
// Throws Error on inconsistent settings (before any work starts).
void validate(const ScenarioConfig& c);

struct RepetitionResult {
  int index = 0;        // 1-based
  std::string kind;     // "repetition" or "peak_trial"
  double rate_qps = 0;  // server
  RunRecord record;
  LatencySummary latency;
  LatencySummary warmup;
  double throughput_fps = 0;
  bool bound_met = true;
  std::string invalid_reason;  // server: why the figures are INVALID ("" when valid)
};

// The server scenario's load bound (docs/reliability.md): a query arriving while
// max(kMinOutstanding, kOutstandingPerRequest x requests in flight) are still outstanding means
// the system cannot sustain the rate; the repetition stops issuing, drains, and is INVALID.
inline constexpr std::int64_t kMinOutstanding = 64;
inline constexpr std::int64_t kOutstandingPerRequest = 8;
std::int64_t server_max_outstanding(int in_flight);

struct ScenarioResult {
  ScenarioConfig config;
  std::vector<RepetitionResult> repetitions;  // measured repetitions only
  std::vector<RepetitionResult> peak_trials;  // server with find_peak
  Spread throughput;                          // over repetitions
  LatencySummary latency;                     // pooled over every measured query
  LatencyHistogram latency_counts;            // the pooled latencies themselves (early stopping)
  double first_inference_ms = 0;              // of the first repetition
  LatencySummary warmup;                      // pooled warm-up latencies
  LatencyHistogram warmup_counts;
  double peak_rate_qps = 0;            // find_peak result
  bool bound_met = true;               // every repetition met the bound
  std::string invalid_reason;          // first repetition's reason ("" when all valid)
  double headline_latency_ms() const;  // p90 single_stream, p99 otherwise
  bool spread_warning() const { return throughput.n > 1 && throughput.cv > kSpreadWarnCv; }
};

using MeasureFn = std::function<RunRecord(const LoadPlan&)>;
using RepetitionFn = std::function<void(const RepetitionResult&)>;

// Runs the scenario through `measure`; `on_done` is called as each repetition or trial
// completes (so it can be stored at once).
ScenarioResult run_scenario(const ScenarioConfig& c, const MeasureFn& measure,
                            const RepetitionFn& on_done = {});

// One measured repetition (index 1-based, kind "repetition" or "peak_trial").
RepetitionResult measure_repetition(const ScenarioConfig& c, const MeasureFn& measure,
                                    double rate_qps, std::uint64_t seed, int index,
                                    const char* kind);
// Fills `res`'s statistics from completed repetitions (res.config must be set). The
// repetitions' raw latencies are counted into res's pooled histograms and released, so a long
// run holds one bounded histogram rather than every query's latency (docs/metrics.md).
void aggregate_repetitions(ScenarioResult& res, std::vector<RepetitionResult> reps);
// Counts one repetition's raw latencies into `res`'s pooled histograms and releases them.
void pool_latencies(ScenarioResult& res, RepetitionResult& r);

// The plan one repetition of `c` runs at `rate_qps` (server).
LoadPlan make_plan(const ScenarioConfig& c, double rate_qps, std::uint64_t seed);

}  // namespace inferlab::bench
