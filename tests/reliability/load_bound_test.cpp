// The server scenario's load bound: a rate the system cannot sustain stops issuing at
// LoadPlan::max_outstanding, drains, and is reported INVALID, instead of queueing without end.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>

#include "inferlab/lab/loadgen.h"
#include "inferlab/lab/scenario.h"
#include "support/cli.h"
#include "support/onnx_builder.h"

using namespace inferlab;
using namespace inferlab::bench;
using namespace inferlab::test;

namespace {

// One worker thread that takes `work_us` per query: about 1e6 / work_us queries per second.
class SlowSut : public SystemUnderTest {
 public:
  explicit SlowSut(int work_us) : work_us_(work_us), worker_([this] { loop(); }) {}
  ~SlowSut() override {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  int max_in_flight() const override { return 1; }
  void issue(std::uint64_t tag, std::int64_t) override {
    std::lock_guard l(mu_);
    queue_.push_back(tag);
    max_queued_ = std::max(max_queued_, queue_.size());
    cv_.notify_one();
  }
  std::size_t max_queued() {
    std::lock_guard l(mu_);
    return max_queued_;
  }

 private:
  void loop() {
    for (;;) {
      std::uint64_t tag;
      {
        std::unique_lock l(mu_);
        cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        tag = queue_.front();
        queue_.pop_front();
      }
      std::this_thread::sleep_for(std::chrono::microseconds(work_us_));
      sink_->complete(tag, nullptr);
    }
  }
  int work_us_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::uint64_t> queue_;
  std::size_t max_queued_ = 0;
  bool stop_ = false;
  std::thread worker_;  // last: started once the members it uses exist
};

LoadPlan open_plan(double rate, double seconds, std::int64_t max_outstanding) {
  LoadPlan p;
  p.mode = LoadPlan::Mode::open;
  p.arrivals_s = poisson_arrivals(rate, seconds, 0, 7);
  p.max_outstanding = max_outstanding;
  return p;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST(LoadBound, OverloadStopsAtTheOutstandingLimitAndDrains) {
  SlowSut sut(1000);  // ~1000 queries/s
  const auto t0 = std::chrono::steady_clock::now();
  const RunRecord r = execute_plan(sut, open_plan(1e6, 1.0, 64));
  EXPECT_TRUE(r.saturated);
  EXPECT_LE(sut.max_queued(), 64u);
  EXPECT_LE(r.issued, 64);
  EXPECT_EQ(static_cast<std::int64_t>(r.measured.latencies_ms.size()), r.issued);
  EXPECT_LT(seconds_since(t0), 0.9);  // ~64 queries of 1 ms drained, not the 1 s schedule
}

TEST(LoadBound, SustainableRateIsNotSaturated) {
  SlowSut sut(200);  // ~5000 queries/s, offered 200
  const RunRecord r = execute_plan(sut, open_plan(200, 0.5, 64));
  EXPECT_FALSE(r.saturated);
  EXPECT_EQ(static_cast<std::int64_t>(r.measured.latencies_ms.size()), r.issued);
  EXPECT_GT(r.issued, 50);
}

TEST(LoadBound, ScheduleIsCappedInMemory) {
  const auto t = poisson_arrivals(1e9, 0.5, 0, 1);
  EXPECT_EQ(static_cast<std::int64_t>(t.size()), kMaxPlannedArrivals);
}

TEST(LoadBound, ScenarioMarksASaturatedRepetitionInvalid) {
  ScenarioConfig c;
  c.scenario = Scenario::server;
  c.rate_qps = 1e6;
  c.duration_s = 0.5;
  c.repetitions = 1;
  c.warmup = 0;
  SlowSut sut(1000);
  const ScenarioResult res =
      run_scenario(c, [&](const LoadPlan& p) { return execute_plan(sut, p); });
  EXPECT_FALSE(res.bound_met);
  EXPECT_NE(res.invalid_reason.find("system saturated: 64 queries outstanding"), std::string::npos)
      << res.invalid_reason;
}

// The probe's case: 5 GB and no end after 60 s before the bound.
TEST(LoadBound, CliServerAtAHugeRateEndsOnTimeWithBoundedMemory) {
  TempDir d("rel");
  relu_model().save(d / "m.onnx");
  const auto t0 = std::chrono::steady_clock::now();
  const CliResult r = run_cli("bench " + d / "m.onnx" +
                              " --scenario server --rate 1e9 --time 0.5 --repetitions 1"
                              " --no-db --no-progress");
  const double wall = seconds_since(t0);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "result     INVALID: system saturated")) << r.out;
  EXPECT_LT(wall, 20.0) << r.out;  // 0.5 s + a bounded drain (+ start-up), with a wide margin
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("peak RSS +([0-9.]+) MiB"))) << r.out;
  EXPECT_LT(std::stod(m[1]), 512.0) << r.out;
}
