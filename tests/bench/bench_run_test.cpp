// bench::run_bench, the library behind `inferlab bench`: hooks in order, the outcome's figures
// consistent with each other, the store receiving every repetition and the summary, and options
// checked before anything is opened or stored.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "inferlab/lab/bench_run.h"
#include "inferlab/lab/random_samples.h"
#include "inferlab/lab/tiny_model.h"
#include "support/temp_dir.h"

using namespace inferlab;

namespace {

// Records what run_bench appends.
class MemoryStore : public bench::ResultsStore {
 public:
  std::vector<nlohmann::json> rows;
  std::int64_t append(const nlohmann::json& row) override {
    rows.push_back(row);
    return static_cast<std::int64_t>(rows.size());
  }
  std::size_t import_rows(const std::vector<nlohmann::json>&) override { return 0; }
  std::vector<nlohmann::json> query(const std::vector<std::string>&) const override { return {}; }
  std::string integrity_check() const override { return "ok"; }
  std::string location() const override { return "memory"; }
};

bench::BenchRequest add_model_request(const inferlab::test::TempDir& dir) {
  bench::BenchRequest r;
  r.options.model = dir / "add.onnx";
  r.options.engine = Engine::reference;
  r.options.async = false;
  r.options.streams = 1;
  r.options.threads = 1;
  backends::write_add_model(r.options.model, {2, 5});
  r.scenario.scenario = bench::Scenario::single_stream;
  r.scenario.repetitions = 2;
  r.scenario.iterations = 10;
  r.scenario.seed = 7;
  r.inputs = {{"source", "random"}};
  r.run_id = "bench-test";
  return r;
}

TEST(BenchRun, HooksOutcomeAndStoreAgree) {
  inferlab::test::TempDir dir("bench_run");
  auto req = add_model_request(dir);
  MemoryStore store;
  req.store = &store;
  std::vector<std::string> events;
  bench::BenchHooks hooks;
  hooks.opened = [&](const backends::BackendInfo& info, const bench::ScenarioConfig& s) {
    events.push_back("opened");
    EXPECT_EQ(info.inputs.size(), 2u);
    EXPECT_EQ(s.batch, 2);  // dimension 0 of the model's inputs
    EXPECT_EQ(s.sample_count, 1);
    EXPECT_TRUE(store.rows.empty());  // nothing is stored before the model runs
  };
  hooks.repetition = [&](const bench::RepetitionResult& r) {
    events.push_back("repetition " + std::to_string(r.index));
  };
  const bench::BenchOutcome out = bench::run_bench(req, hooks);
  EXPECT_EQ(events, (std::vector<std::string>{"opened", "repetition 1", "repetition 2"}));
  EXPECT_EQ(out.info.name, "native");
  EXPECT_EQ(out.meta.run_id, "bench-test");
  EXPECT_EQ(out.meta.fingerprint["libraries"]["native"], out.info.version);
  ASSERT_EQ(out.result.repetitions.size(), 2u);
  EXPECT_EQ(out.result.latency.count, 20);
  for (const auto& rep : out.result.repetitions) {
    // samples/s is the measured samples (queries x batch) over the measured wall time.
    EXPECT_EQ(rep.record.measured.samples, 20);
    EXPECT_NEAR(rep.throughput_fps, 20 / rep.record.measured.wall_s, 1e-6 * rep.throughput_fps);
  }
  ASSERT_EQ(store.rows.size(), 3u);  // two repetitions, then the summary
  EXPECT_EQ(store.rows[2], out.summary);
  EXPECT_EQ(bench::to_json(out)["inputs"]["source"], "random");
  EXPECT_EQ(bench::to_json(out)["throughput_fps"], out.result.throughput.median);
  const std::string csv = bench::to_csv(out);
  EXPECT_LT(csv.find("throughput_fps"), csv.find('\n'));  // a header column
  EXPECT_NE(csv.find("bench-test"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2);  // header and one row
}

TEST(BenchRun, SamplesHookFillsTheLibrary) {
  inferlab::test::TempDir dir("bench_run");
  auto req = add_model_request(dir);
  req.samples = 3;
  std::int64_t asked = 0;
  bench::BenchHooks hooks;
  hooks.samples = [&](const std::vector<PortInfo>& ports, std::int64_t count) {
    asked = count;
    return bench::random_samples(ports, 1, count);
  };
  const auto out = bench::run_bench(req, hooks);
  EXPECT_EQ(asked, 3);
  EXPECT_EQ(out.result.config.sample_count, 3);
}

TEST(BenchRun, BadScenarioIsRejectedBeforeTheModelIsOpened) {
  bench::BenchRequest req;
  req.options.model = "/nonexistent/model.onnx";
  req.scenario.iterations = 5;
  req.scenario.scenario = bench::Scenario::server;  // no rate, no find_peak
  MemoryStore store;
  req.store = &store;
  try {
    bench::run_bench(req);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("rate"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store.rows.empty());
}

TEST(BenchRun, MissingModelNamesTheFileAndStoresNothing) {
  bench::BenchRequest req;
  req.options.model = "/nonexistent/model.onnx";
  req.scenario.iterations = 5;
  MemoryStore store;
  req.store = &store;
  try {
    bench::run_bench(req);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model.onnx"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store.rows.empty());
}

// Each bad option is named in the message, before the model (absent here) is looked at.
TEST(BenchRun, CheckRequestNamesTheBadOption) {
  const std::vector<std::pair<std::function<void(bench::BenchRequest&)>, std::string>> cases = {
      {[](bench::BenchRequest& r) { r.options.streams = -1; }, "streams"},
      {[](bench::BenchRequest& r) { r.samples = -2; }, "samples"},
      {[](bench::BenchRequest& r) { r.options.opt_level = 3; }, "opt_level"},
      {[](bench::BenchRequest& r) { r.options.timeout_s = 0; }, "timeout"},
      {[](bench::BenchRequest& r) { r.backend = "nosuch"; }, "nosuch"},
      {[](bench::BenchRequest& r) {
         r.options.async = false;
         r.options.nireq = 2;
       },
       "nireq"},
      {[](bench::BenchRequest& r) {
         r.backend = "opencv";
         r.options.perf_counters = true;
       },
       "per-layer counters"},
  };
  for (const auto& [change, word] : cases) {
    bench::BenchRequest req;
    req.options.model = "/nonexistent/model.onnx";
    req.scenario.iterations = 5;
    bench::check_request(req);  // the baseline is valid
    change(req);
    try {
      bench::run_bench(req);
      ADD_FAILURE() << "accepted a request with a bad " << word;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
      EXPECT_EQ(e.code(), ErrorCode::invalid_argument) << e.what();
    }
  }
}

TEST(RandomSamples, SeededGivenInputsAndUnknownNames) {
  const std::vector<PortInfo> ports = {{"a", DType::f32, {2, 3}}, {"b", DType::i64, {4}}};
  const auto s1 = bench::random_samples(ports, 5, 2);
  const auto s2 = bench::random_samples(ports, 5, 2);
  ASSERT_EQ(s1.size(), 2u);
  for (std::int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(s1[0].at("a").data<float>()[i], s2[0].at("a").data<float>()[i]);
    EXPECT_GE(s1[0].at("a").data<float>()[i], -1.f);
    EXPECT_LE(s1[0].at("a").data<float>()[i], 1.f);
  }
  bool differs = false;  // sample 1 has its own seed
  for (std::int64_t i = 0; i < 6; ++i)
    differs |= s1[0].at("a").data<float>()[i] != s1[1].at("a").data<float>()[i];
  EXPECT_TRUE(differs);
  EXPECT_EQ(s1[0].at("b").dtype(), DType::i64);
  for (std::int64_t i = 0; i < 4; ++i) {
    EXPECT_GE(s1[0].at("b").data<std::int64_t>()[i], 0);
    EXPECT_LT(s1[0].at("b").data<std::int64_t>()[i], 10);
  }
  Tensor given(DType::f32, {2, 3});
  for (std::int64_t i = 0; i < 6; ++i) given.data<float>()[i] = 42.f;
  const auto s3 = bench::random_samples(ports, 5, 2, {{"a", given}});
  EXPECT_EQ(s3[1].at("a").data<float>()[3], 42.f);
  EXPECT_THROW(bench::random_samples(ports, 5, 1, {{"zzz", given}}), Error);
}

}  // namespace
