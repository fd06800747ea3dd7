#pragma once
// The load generator, in the spirit of MLPerf LoadGen. It knows nothing of inference engines:
// it drives a SystemUnderTest (issue a sample, get a completion) following a LoadPlan and
// records per-query latencies from a monotonic clock. Scenarios (scenario.h) build plans.
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/stats.h"

namespace inferlab::bench {

using Clock = std::chrono::steady_clock;

// Receives completions. `error` is null on success. May be called from any thread, and even
// before SystemUnderTest::issue returns.
class CompletionSink {
 public:
  virtual ~CompletionSink() = default;
  virtual void complete(std::uint64_t tag, const char* error) = 0;
};

class SystemUnderTest {
 public:
  virtual ~SystemUnderTest() = default;
  // How many samples it can run concurrently (e.g. infer requests); issue() beyond this must
  // still be accepted (queued).
  virtual int max_in_flight() const = 0;
  // Starts one inference of library sample `sample`; reports it to the sink with `tag`.
  virtual void issue(std::uint64_t tag, std::int64_t sample) = 0;
  void set_sink(CompletionSink* sink) { sink_ = sink; }

 protected:
  CompletionSink* sink_ = nullptr;
};

// What to run. Closed loop: `concurrency` queries are kept in flight, a new one is issued when
// one completes. Open loop: queries arrive at fixed offsets (`arrivals_s`) whatever the state of
// the system; latency then counts from the arrival, queueing included.
struct LoadPlan {
  enum class Mode { closed, open };
  Mode mode = Mode::closed;
  int concurrency = 1;
  int samples_per_query = 1;        // MultiStream: several samples issued together
  std::int64_t sample_count = 1;    // library size; query q uses samples q*spq.. modulo this
  std::int64_t warmup_queries = 0;  // after the first inference, excluded from the figures
  std::int64_t min_queries = 0;     // closed loop: stop once both minimums are met
  double min_duration_s = 0;
  std::vector<double> arrivals_s;  // open loop: arrival offsets from the start, ascending
  double max_duration_s = 0;       // safety stop for the measured phase (0: none)
  int batch = 1;                   // samples counted per issued item (the model's batch)
  // Open loop: when a query arrives while this many are still outstanding, the system cannot
  // keep up: the phase stops issuing (RunRecord::saturated) and only drains what is in flight,
  // so memory and run time stay bounded whatever the rate. 0: no limit.
  std::int64_t max_outstanding = 0;
};
nlohmann::json to_json(const LoadPlan& p);
LoadPlan load_plan_from_json(const nlohmann::json& j);

// What a plan measured. `first_inference_ms` is the very first query, issued alone.
struct RunRecord {
  double first_inference_ms = 0;
  std::vector<double> warmup_ms;
  Repetition measured;
  std::int64_t issued = 0;  // measured queries issued (open loop: arrivals)
  bool saturated = false;   // open loop: stopped early at LoadPlan::max_outstanding
  double stopped_at_s = 0;  // when saturated: arrival offset at which issuing stopped
};
nlohmann::json to_json(const RunRecord& r);
RunRecord run_record_from_json(const nlohmann::json& j);

// Progress of the measured phase, called about 5 times a second from the waiting thread.
using ProgressFn = std::function<void(double elapsed_s, std::int64_t completed_queries)>;

// Runs `plan` against `sut` in this process. Throws Error if a sample fails.
RunRecord execute_plan(SystemUnderTest& sut, const LoadPlan& plan, const ProgressFn& progress = {});

// Poisson arrivals: exponential gaps with mean 1/rate, from a fixed seed, covering at least
// `duration_s` and `min_queries` queries, but never more than `max_arrivals` (a schedule is
// held in memory: 8 bytes per query).
inline constexpr std::int64_t kMaxPlannedArrivals = std::int64_t{1} << 22;
std::vector<double> poisson_arrivals(double rate_qps, double duration_s, std::int64_t min_queries,
                                     std::uint64_t seed,
                                     std::int64_t max_arrivals = kMaxPlannedArrivals);

}  // namespace inferlab::bench
