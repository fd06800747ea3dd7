#include "inferlab/lab/loadgen.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

#include "ir/error.h"

namespace inferlab::bench {
namespace {

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct PhaseSpec {
  LoadPlan::Mode mode = LoadPlan::Mode::closed;
  int concurrency = 1;
  int spq = 1;
  std::int64_t sample_count = 1;
  std::int64_t min_queries = 0;
  double min_duration_s = 0, max_duration_s = 0;
  const std::vector<double>* arrivals = nullptr;
  std::int64_t max_outstanding = 0;
};

struct PhaseResult {
  std::vector<double> latencies_ms;
  std::int64_t completed = 0, issued = 0;
  double wall_s = 0;
  bool saturated = false;
  double stopped_at_s = 0;
};

// One phase (first inference, warm-up or measurement). Completions are handled on the SUT's
// threads: the latency is recorded and, in a closed loop, the next query is issued right there
// (no hand-off to another thread, so the harness adds little to each request).
class Phase : public CompletionSink {
 public:
  Phase(SystemUnderTest& sut, const PhaseSpec& spec) : sut_(sut), spec_(spec) {
    // Open loop: a ring of slots, one per query that may be outstanding; query q uses slot
    // q % size, so memory does not grow with the schedule's length.
    std::size_t n = spec.mode == LoadPlan::Mode::closed ? static_cast<std::size_t>(spec.concurrency)
                                                        : spec.arrivals->size();
    if (spec.mode == LoadPlan::Mode::open && spec.max_outstanding > 0)
      n = std::min(n, static_cast<std::size_t>(spec.max_outstanding));
    slots_.resize(std::max<std::size_t>(n, 1));
    latencies_.reserve(std::min<std::size_t>(n, 1 << 16));
  }

  PhaseResult run(const ProgressFn& progress) {
    sut_.set_sink(this);
    if (spec_.mode == LoadPlan::Mode::closed)
      run_closed(progress);
    else
      run_open(progress);
    sut_.set_sink(nullptr);
    if (!error_.empty()) fail("inference failed during the benchmark: {}", error_);
    PhaseResult r;
    r.latencies_ms = std::move(latencies_);
    r.completed = completed_;
    r.issued = issued_;
    r.saturated = saturated_;
    r.stopped_at_s = stopped_at_s_;
    r.wall_s = completed_ > 0 ? std::chrono::duration<double>(last_done_ - t0_).count() : 0;
    return r;
  }

  void complete(std::uint64_t tag, const char* error) override {
    const auto now = Clock::now();
    const std::size_t slot = tag / static_cast<std::uint64_t>(spec_.spq);
    std::int64_t next = -1;
    {
      std::lock_guard lock(mu_);
      if (error && error_.empty()) {
        error_ = error;
        stopping_ = true;
      }
      if (--slots_[slot].remaining > 0) return;
      latencies_.push_back(ms_between(slots_[slot].start, now));
      last_done_ = now;
      ++completed_;
      if (spec_.mode == LoadPlan::Mode::closed && !stopping_ && more_wanted(now)) {
        next = issued_++;
        slots_[slot].remaining = spec_.spq;
        slots_[slot].start = Clock::now();
      } else {
        --active_;
        if (active_ == 0) cv_.notify_all();
      }
    }
    if (next >= 0) issue_query(slot, next);
  }

 private:
  struct Slot {
    Clock::time_point start;
    int remaining = 0;
  };

  bool more_wanted(Clock::time_point now) const {
    const double elapsed = std::chrono::duration<double>(now - t0_).count();
    if (spec_.max_duration_s > 0 && elapsed >= spec_.max_duration_s) return false;
    return issued_ < spec_.min_queries || elapsed < spec_.min_duration_s;
  }

  void issue_query(std::size_t slot, std::int64_t q) {
    for (int k = 0; k < spec_.spq; ++k) {
      const std::int64_t sample = (q * spec_.spq + k) % spec_.sample_count;
      sut_.issue(slot * static_cast<std::uint64_t>(spec_.spq) + static_cast<std::uint64_t>(k),
                 sample);
    }
  }

  void wait_idle(const ProgressFn& progress) {
    std::unique_lock lock(mu_);
    while (active_ > 0) {
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      if (progress) {
        const double el = std::chrono::duration<double>(Clock::now() - t0_).count();
        const auto done = completed_;
        lock.unlock();
        progress(el, done);
        lock.lock();
      }
    }
  }

  void run_closed(const ProgressFn& progress) {
    std::int64_t initial = spec_.concurrency;
    if (spec_.min_duration_s <= 0) initial = std::min<std::int64_t>(initial, spec_.min_queries);
    if (initial <= 0) return;
    {
      std::lock_guard lock(mu_);
      t0_ = Clock::now();
      active_ = initial;
      issued_ = initial;
      for (std::int64_t s = 0; s < initial; ++s) {
        slots_[s].remaining = spec_.spq;
        slots_[s].start = t0_;
      }
    }
    for (std::int64_t s = 0; s < initial; ++s) issue_query(static_cast<std::size_t>(s), s);
    wait_idle(progress);
  }

  void run_open(const ProgressFn& progress) {
    const auto& arrivals = *spec_.arrivals;
    if (arrivals.empty()) return;
    t0_ = Clock::now() + std::chrono::milliseconds(1);
    auto last_progress = Clock::now();
    for (std::size_t q = 0; q < arrivals.size(); ++q) {
      const auto at = t0_ + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(arrivals[q]));
      std::this_thread::sleep_until(at);
      const std::size_t slot = q % slots_.size();
      {
        std::lock_guard lock(mu_);
        if (stopping_) break;
        if (spec_.max_duration_s > 0 && arrivals[q] >= spec_.max_duration_s) break;
        // The slot is still taken by query q - size: the system is that many queries behind.
        if (slots_[slot].remaining > 0 ||
            (spec_.max_outstanding > 0 && active_ >= spec_.max_outstanding)) {
          saturated_ = true;
          stopped_at_s_ = arrivals[q];
          break;
        }
        slots_[slot].remaining = spec_.spq;
        slots_[slot].start = at;  // latency counts from the scheduled arrival
        ++active_;
        ++issued_;
      }
      issue_query(slot, static_cast<std::int64_t>(q));
      if (progress && Clock::now() - last_progress > std::chrono::milliseconds(200)) {
        last_progress = Clock::now();
        std::int64_t done;
        {
          std::lock_guard lock(mu_);
          done = completed_;
        }
        progress(std::chrono::duration<double>(last_progress - t0_).count(), done);
      }
    }
    wait_idle(progress);
  }

  SystemUnderTest& sut_;
  PhaseSpec spec_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Slot> slots_;
  std::vector<double> latencies_;
  std::int64_t issued_ = 0, completed_ = 0, active_ = 0;
  bool stopping_ = false, saturated_ = false;
  double stopped_at_s_ = 0;
  std::string error_;
  Clock::time_point t0_, last_done_;
};

}  // namespace

RunRecord execute_plan(SystemUnderTest& sut, const LoadPlan& plan, const ProgressFn& progress) {
  if (plan.concurrency < 1) fail("concurrency must be at least 1 (got {})", plan.concurrency);
  if (plan.samples_per_query < 1)
    fail("samples per query must be at least 1 (got {})", plan.samples_per_query);
  if (plan.sample_count < 1) fail("the sample library is empty");
  if (plan.mode == LoadPlan::Mode::closed && plan.min_queries <= 0 && plan.min_duration_s <= 0)
    fail("a closed-loop plan needs a query count or a duration");
  RunRecord rec;
  PhaseSpec first{
      LoadPlan::Mode::closed, 1, plan.samples_per_query, plan.sample_count, 1, 0, 0, nullptr};
  rec.first_inference_ms = Phase(sut, first).run({}).latencies_ms.at(0);
  if (plan.warmup_queries > 0) {
    PhaseSpec warm = first;
    warm.concurrency = plan.concurrency;
    warm.min_queries = plan.warmup_queries;
    rec.warmup_ms = Phase(sut, warm).run({}).latencies_ms;
  }
  PhaseSpec m{plan.mode,           plan.concurrency, plan.samples_per_query,
              plan.sample_count,   plan.min_queries, plan.min_duration_s,
              plan.max_duration_s, &plan.arrivals_s, plan.max_outstanding};
  PhaseResult r = Phase(sut, m).run(progress);
  rec.measured.latencies_ms = std::move(r.latencies_ms);
  rec.measured.samples = r.completed * plan.samples_per_query * plan.batch;
  rec.measured.wall_s = r.wall_s;
  rec.issued = r.issued;
  rec.saturated = r.saturated;
  rec.stopped_at_s = r.stopped_at_s;
  return rec;
}

std::vector<double> poisson_arrivals(double rate_qps, double duration_s, std::int64_t min_queries,
                                     std::uint64_t seed, std::int64_t max_arrivals) {
  if (!(rate_qps > 0)) fail("the arrival rate must be positive (got {})", rate_qps);
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(rate_qps);
  std::vector<double> t;
  double now = 0;
  while ((now < duration_s || static_cast<std::int64_t>(t.size()) < min_queries) &&
         static_cast<std::int64_t>(t.size()) < max_arrivals) {
    t.push_back(now);
    now += gap(rng);
  }
  return t;
}

nlohmann::json to_json(const LoadPlan& p) {
  return {{"mode", p.mode == LoadPlan::Mode::closed ? "closed" : "open"},
          {"concurrency", p.concurrency},
          {"samples_per_query", p.samples_per_query},
          {"sample_count", p.sample_count},
          {"warmup_queries", p.warmup_queries},
          {"min_queries", p.min_queries},
          {"min_duration_s", p.min_duration_s},
          {"max_duration_s", p.max_duration_s},
          {"arrivals_s", p.arrivals_s},
          {"batch", p.batch},
          {"max_outstanding", p.max_outstanding}};
}

LoadPlan load_plan_from_json(const nlohmann::json& j) {
  LoadPlan p;
  p.mode = j.at("mode") == "open" ? LoadPlan::Mode::open : LoadPlan::Mode::closed;
  p.concurrency = j.at("concurrency");
  p.samples_per_query = j.at("samples_per_query");
  p.sample_count = j.at("sample_count");
  p.warmup_queries = j.at("warmup_queries");
  p.min_queries = j.at("min_queries");
  p.min_duration_s = j.at("min_duration_s");
  p.max_duration_s = j.at("max_duration_s");
  p.arrivals_s = j.at("arrivals_s").get<std::vector<double>>();
  p.batch = j.at("batch");
  p.max_outstanding = j.value("max_outstanding", std::int64_t{0});
  return p;
}

nlohmann::json to_json(const RunRecord& r) {
  return {{"first_inference_ms", r.first_inference_ms},
          {"warmup_ms", r.warmup_ms},
          {"latencies_ms", r.measured.latencies_ms},
          {"samples", r.measured.samples},
          {"wall_s", r.measured.wall_s},
          {"issued", r.issued},
          {"saturated", r.saturated},
          {"stopped_at_s", r.stopped_at_s}};
}

RunRecord run_record_from_json(const nlohmann::json& j) {
  RunRecord r;
  r.first_inference_ms = j.at("first_inference_ms");
  r.warmup_ms = j.at("warmup_ms").get<std::vector<double>>();
  r.measured.latencies_ms = j.at("latencies_ms").get<std::vector<double>>();
  r.measured.samples = j.at("samples");
  r.measured.wall_s = j.at("wall_s");
  r.issued = j.value("issued", std::int64_t{0});
  r.saturated = j.value("saturated", false);
  r.stopped_at_s = j.value("stopped_at_s", 0.0);
  return r;
}

}  // namespace inferlab::bench
