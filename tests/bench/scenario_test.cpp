#include <gtest/gtest.h>

#include "inferlab/lab/report.h"
#include "inferlab/lab/scenario.h"
#include "ir/error.h"

using namespace inferlab::bench;

namespace {

// A synthetic system: latency grows sharply as the rate approaches 100 q/s.
RunRecord synthetic(const LoadPlan& p) {
  RunRecord r;
  const double rate = p.mode == LoadPlan::Mode::open && p.arrivals_s.size() > 1
                          ? static_cast<double>(p.arrivals_s.size()) / p.arrivals_s.back()
                          : 50;
  const double lat = rate < 100 ? 1 + 10 * rate / (100 - rate) : 1000;
  for (int i = 0; i < 100; ++i) r.measured.latencies_ms.push_back(lat);
  r.measured.samples = 100;
  r.measured.wall_s = 1;
  r.first_inference_ms = 9;
  return r;
}

}  // namespace

TEST(Scenario, ValidationRejectsBadSettings) {
  ScenarioConfig c;
  c.iterations = 10;
  EXPECT_NO_THROW(validate(c));
  auto bad = [&](auto edit) {
    ScenarioConfig d = c;
    edit(d);
    EXPECT_THROW(validate(d), inferlab::Error);
  };
  bad([](ScenarioConfig& d) { d.repetitions = 0; });
  bad([](ScenarioConfig& d) { d.iterations = -1; });
  bad([](ScenarioConfig& d) { d.iterations = 0; });  // no duration either
  bad([](ScenarioConfig& d) { d.samples_per_query = 0; });
  bad([](ScenarioConfig& d) { d.scenario = Scenario::server; });  // no rate
  bad([](ScenarioConfig& d) {
    d.scenario = Scenario::server;
    d.find_peak = true;  // no bound
  });
  bad([](ScenarioConfig& d) { d.rate_qps = 5; });  // rate outside server
  EXPECT_THROW(parse_scenario("burst"), inferlab::Error);
  EXPECT_EQ(parse_scenario("Offline"), Scenario::offline);
}

TEST(Scenario, PlansFollowTheScenario) {
  ScenarioConfig c;
  c.iterations = 10;
  c.in_flight = 4;
  c.scenario = Scenario::offline;
  EXPECT_EQ(make_plan(c, 0, 1).concurrency, 4);
  c.scenario = Scenario::single_stream;
  EXPECT_EQ(make_plan(c, 0, 1).concurrency, 1);
  c.scenario = Scenario::multi_stream;
  c.samples_per_query = 6;
  EXPECT_EQ(make_plan(c, 0, 1).samples_per_query, 6);
  c.scenario = Scenario::server;
  c.duration_s = 2;
  const LoadPlan p = make_plan(c, 50, 1);
  EXPECT_EQ(p.mode, LoadPlan::Mode::open);
  EXPECT_NEAR(static_cast<double>(p.arrivals_s.size()), 100, 30);
}

TEST(Scenario, RepetitionsAggregateAndReportEachAsItCompletes) {
  ScenarioConfig c;
  c.iterations = 100;
  c.repetitions = 3;
  int reported = 0;
  const ScenarioResult r = run_scenario(c, synthetic, [&](const RepetitionResult& rep) {
    ++reported;
    EXPECT_EQ(rep.index, reported);
  });
  EXPECT_EQ(reported, 3);
  EXPECT_EQ(r.repetitions.size(), 3u);
  EXPECT_DOUBLE_EQ(r.throughput.median, 100);
  EXPECT_EQ(r.latency.count, 300);
  EXPECT_DOUBLE_EQ(r.first_inference_ms, 9);
  EXPECT_FALSE(r.spread_warning());
  const auto j = result_json(r, RunMeta{});
  for (const char* k : {"backend", "model", "batch", "streams", "threads", "precision", "scenario",
                        "throughput_fps", "latency_ms", "repetitions", "ci95_fps",
                        "first_inference_ms", "compile_ms", "peak_rss_mb", "fingerprint"})
    EXPECT_TRUE(j.contains(k)) << k;
  for (const char* k : {"min", "mean", "p50", "p90", "p99", "max"})
    EXPECT_TRUE(j["latency_ms"].contains(k)) << k;
}

TEST(Scenario, SpreadWarningAboveFivePercent) {
  ScenarioConfig c;
  c.iterations = 1;
  int n = 0;
  const ScenarioResult r = run_scenario(c, [&](const LoadPlan& p) {
    RunRecord rec = synthetic(p);
    rec.measured.wall_s = (++n == 2) ? 2 : 1;  // one repetition at half the throughput
    return rec;
  });
  EXPECT_TRUE(r.spread_warning());
}

TEST(Scenario, FindPeakBracketsTheBound) {
  ScenarioConfig c;
  c.scenario = Scenario::server;
  c.duration_s = 20;
  c.latency_bound_ms = 11;  // met while 10*rate/(100-rate) <= 10, i.e. rate <= 50
  c.find_peak = true;
  c.rate_qps = 10;
  c.repetitions = 1;
  const ScenarioResult r = run_scenario(c, synthetic);
  EXPECT_GT(r.peak_rate_qps, 35);
  EXPECT_LE(r.peak_rate_qps, 56);
  EXPECT_FALSE(r.peak_trials.empty());
  EXPECT_TRUE(r.bound_met);
}

TEST(Report, CsvQuotesAndUnionsColumns) {
  const std::string csv =
      to_csv(std::vector<nlohmann::json>{{{"a", 1}, {"b", "x,y"}}, {{"a", 2}, {"c", "q\"t"}}});
  EXPECT_EQ(csv, "a,b,c\n1,\"x,y\",\n2,,\"q\"\"t\"\n");
}

// A long run keeps one pooled histogram, not every query's latency: the repetitions' raw
// latencies are released as they complete, and the pooled figures count all of them.
TEST(Scenario, RepetitionLatenciesArePooledAndReleased) {
  ScenarioConfig c;
  c.iterations = 100;
  c.repetitions = 4;
  int seen = 0;
  const ScenarioResult r = run_scenario(c, synthetic, [&](const RepetitionResult& rep) {
    EXPECT_EQ(rep.record.measured.latencies_ms.size(), 100u);  // intact for on_done
    ++seen;
  });
  EXPECT_EQ(seen, 4);
  ASSERT_EQ(r.repetitions.size(), 4u);
  for (const auto& rep : r.repetitions) {
    EXPECT_TRUE(rep.record.measured.latencies_ms.empty());
    EXPECT_EQ(rep.latency.count, 100);  // per-repetition summary kept
  }
  EXPECT_EQ(r.latency_counts.count(), 400);
  EXPECT_EQ(r.latency.count, 400);
  EXPECT_DOUBLE_EQ(r.latency.p50, r.repetitions[0].latency.p50);
}
