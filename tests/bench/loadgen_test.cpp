#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "inferlab/lab/loadgen.h"
#include "ir/error.h"

using namespace inferlab::bench;

namespace {

// A system under test with `workers` threads that "infer" for `work_us`, recording the largest
// number of samples in flight and the samples it saw.
class FakeSut : public SystemUnderTest {
 public:
  FakeSut(int workers, int work_us, std::int64_t fail_at = -1)
      : workers_(workers), work_us_(work_us), fail_at_(fail_at) {
    for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~FakeSut() override {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  int max_in_flight() const override { return workers_; }
  void issue(std::uint64_t tag, std::int64_t sample) override {
    std::lock_guard l(mu_);
    queue_.push_back({tag, sample});
    ++in_flight_;
    max_seen_ = std::max(max_seen_, in_flight_);
    samples_seen_.push_back(sample);
    cv_.notify_one();
  }
  int max_seen() {
    std::lock_guard l(mu_);
    return max_seen_;
  }
  std::vector<std::int64_t> samples_seen() {
    std::lock_guard l(mu_);
    return samples_seen_;
  }
  std::atomic<std::int64_t> done{0};

 private:
  void loop() {
    for (;;) {
      std::pair<std::uint64_t, std::int64_t> job;
      {
        std::unique_lock l(mu_);
        cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
        if (stop_ && queue_.empty()) return;
        job = queue_.front();
        queue_.pop_front();
      }
      if (work_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(work_us_));
      const std::int64_t n = done++;
      {
        std::lock_guard l(mu_);
        --in_flight_;
      }
      sink_->complete(job.first, n == fail_at_ ? "boom" : nullptr);
    }
  }
  int workers_, work_us_;
  std::int64_t fail_at_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::uint64_t, std::int64_t>> queue_;
  std::vector<std::thread> threads_;
  std::vector<std::int64_t> samples_seen_;
  int in_flight_ = 0, max_seen_ = 0;
  bool stop_ = false;
};

}  // namespace

TEST(LoadGen, ClosedLoopCountsAndSeparatesWarmup) {
  FakeSut sut(1, 0);
  LoadPlan p;
  p.min_queries = 50;
  p.warmup_queries = 5;
  p.sample_count = 3;
  p.batch = 4;
  const RunRecord r = execute_plan(sut, p);
  EXPECT_EQ(r.warmup_ms.size(), 5u);
  EXPECT_EQ(r.measured.latencies_ms.size(), 50u);
  EXPECT_EQ(r.measured.samples, 200);  // 50 queries x batch 4
  EXPECT_EQ(sut.done.load(), 1 + 5 + 50);
  EXPECT_GT(r.measured.wall_s, 0);
  EXPECT_GE(r.first_inference_ms, 0);
  for (double l : r.measured.latencies_ms) EXPECT_GE(l, 0);
  for (auto s : sut.samples_seen()) EXPECT_LT(s, 3);
  EXPECT_EQ(sut.max_seen(), 1);  // single stream: one at a time
}

TEST(LoadGen, ConcurrencyIsKeptButNotExceeded) {
  FakeSut sut(4, 200);
  LoadPlan p;
  p.concurrency = 3;
  p.min_queries = 60;
  const RunRecord r = execute_plan(sut, p);
  EXPECT_EQ(r.measured.latencies_ms.size(), 60u);
  EXPECT_EQ(sut.max_seen(), 3);
}

TEST(LoadGen, DurationBound) {
  FakeSut sut(1, 100);
  LoadPlan p;
  p.min_duration_s = 0.05;
  const RunRecord r = execute_plan(sut, p);
  EXPECT_GE(r.measured.wall_s, 0.05);
  EXPECT_GT(r.measured.latencies_ms.size(), 1u);
}

TEST(LoadGen, MultiStreamQueryWaitsForAllSamples) {
  FakeSut sut(2, 100);
  LoadPlan p;
  p.samples_per_query = 4;
  p.sample_count = 100;
  p.min_queries = 10;
  const RunRecord r = execute_plan(sut, p);
  EXPECT_EQ(r.measured.latencies_ms.size(), 10u);  // queries, not samples
  EXPECT_EQ(r.measured.samples, 40);
  EXPECT_EQ(sut.done.load(), 4 * (1 + 10));
  EXPECT_EQ(sut.max_seen(), 4);
}

TEST(LoadGen, OpenLoopIssuesEveryArrival) {
  FakeSut sut(1, 50);
  LoadPlan p;
  p.mode = LoadPlan::Mode::open;
  p.arrivals_s = poisson_arrivals(2000, 0.02, 10, 7);
  const RunRecord r = execute_plan(sut, p);
  EXPECT_EQ(r.measured.latencies_ms.size(), p.arrivals_s.size());
  EXPECT_EQ(r.issued, static_cast<std::int64_t>(p.arrivals_s.size()));
}

TEST(LoadGen, PoissonArrivalsAreSeededAndAtTheRate) {
  const auto a = poisson_arrivals(100, 100, 0, 42);
  EXPECT_EQ(a, poisson_arrivals(100, 100, 0, 42));
  EXPECT_NE(a, poisson_arrivals(100, 100, 0, 43));
  EXPECT_NEAR(static_cast<double>(a.size()) / 100.0, 100, 5);  // ~10000 arrivals
  for (std::size_t i = 1; i < a.size(); ++i) ASSERT_GE(a[i], a[i - 1]);
  EXPECT_EQ(poisson_arrivals(1, 0, 25, 1).size(), 25u);
  EXPECT_THROW(poisson_arrivals(0, 1, 1, 1), inferlab::Error);
}

TEST(LoadGen, FailedSampleIsAnError) {
  FakeSut sut(1, 0, 10);
  LoadPlan p;
  p.min_queries = 100;
  EXPECT_THROW(execute_plan(sut, p), inferlab::Error);
}

TEST(LoadGen, RejectsEmptyPlans) {
  FakeSut sut(1, 0);
  LoadPlan p;  // neither count nor duration
  EXPECT_THROW(execute_plan(sut, p), inferlab::Error);
  p.min_queries = 1;
  p.concurrency = 0;
  EXPECT_THROW(execute_plan(sut, p), inferlab::Error);
}

TEST(LoadGen, PlanAndRecordRoundTripThroughJson) {
  LoadPlan p;
  p.mode = LoadPlan::Mode::open;
  p.arrivals_s = {0, 0.5};
  p.concurrency = 3;
  p.batch = 2;
  const LoadPlan q = load_plan_from_json(to_json(p));
  EXPECT_EQ(q.mode, LoadPlan::Mode::open);
  EXPECT_EQ(q.arrivals_s, p.arrivals_s);
  EXPECT_EQ(q.concurrency, 3);
  EXPECT_EQ(q.batch, 2);
  RunRecord r;
  r.measured.latencies_ms = {1, 2};
  r.measured.samples = 4;
  r.measured.wall_s = 0.5;
  const RunRecord s = run_record_from_json(to_json(r));
  EXPECT_EQ(s.measured.latencies_ms, r.measured.latencies_ms);
  EXPECT_DOUBLE_EQ(s.measured.throughput(), 8);
}
