// bench::run_compare, the library behind `inferlab compare`: rows in order with their status, the
// first backend that runs is the reference, a backend that fails keeps its row.
#include <gtest/gtest.h>

#include "inferlab/lab/compare.h"
#include "inferlab/lab/tiny_model.h"
#include "support/temp_dir.h"

using namespace inferlab;

namespace {

bench::CompareOptions add_model_options(const inferlab::test::TempDir& dir,
                                        std::vector<std::string> names) {
  bench::CompareOptions o;
  o.backends = std::move(names);
  o.backend.model = dir / "add.onnx";
  o.backend.engine = Engine::reference;
  o.backend.async = false;
  o.backend.streams = 1;
  o.backend.threads = 1;
  backends::write_add_model(o.backend.model, {2, 5});
  o.scenario.repetitions = 2;
  o.scenario.iterations = 5;
  o.sample_count = 2;
  o.run_id = "compare-test";
  return o;
}

std::vector<backends::TensorMap> samples_for(const std::vector<PortInfo>& ports,
                                             std::int64_t count) {
  std::vector<backends::TensorMap> out(count);
  for (std::int64_t s = 0; s < count; ++s)
    for (const auto& p : ports) {
      Tensor t(p.dtype, p.shape);
      for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = 0.25f * i - s;
      out[s][p.name] = t;
    }
  return out;
}

TEST(CompareRun, FailedBackendKeepsItsRowAndOthersAgree) {
  inferlab::test::TempDir dir("compare");
  const auto o = add_model_options(dir, {"native", "no-such-backend", "native"});
  int sample_calls = 0, repetitions = 0;
  bench::CompareHooks hooks;
  hooks.samples = [&](const std::vector<PortInfo>& ports, std::int64_t count) {
    ++sample_calls;
    EXPECT_EQ(ports.size(), 2u);  // inputs a and b
    return samples_for(ports, count);
  };
  hooks.repetition = [&](const bench::CompareRow&, const bench::RepetitionResult&) {
    ++repetitions;
  };
  const bench::CompareResult r = bench::run_compare(o, hooks);
  EXPECT_EQ(sample_calls, 1);
  EXPECT_EQ(repetitions, 4);  // 2 backends that run x 2 repetitions
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.reference, "native");
  EXPECT_TRUE(r.rows[0].measured());
  EXPECT_FALSE(r.rows[0].agreement_done);  // the reference
  EXPECT_EQ(r.rows[1].status, "error");
  EXPECT_FALSE(r.rows[1].error.empty());
  EXPECT_FALSE(r.rows[1].measured());
  EXPECT_EQ(r.rows[1].summary["status"], "error");
  ASSERT_TRUE(r.rows[2].agreement_done);
  EXPECT_TRUE(r.rows[2].agreement.comparable);
  EXPECT_EQ(r.rows[2].agreement.max_abs, 0);
  EXPECT_EQ(r.rows[2].reps.size(), 2u);
  EXPECT_GT(r.native_fps, 0);
  const nlohmann::json j = bench::to_json(r);
  ASSERT_EQ(j["backends"].size(), 3u);
  EXPECT_EQ(j["backends"][2]["agreement"]["reference"], "native");
  EXPECT_EQ(j["run_id"], "compare-test");
  EXPECT_NE(bench::to_csv(r).find("no-such-backend"), std::string::npos);
}

TEST(CompareRun, NoBackendOpensIsAnErrorNamingEach) {
  inferlab::test::TempDir dir("compare");
  const auto o = add_model_options(dir, {"no-such-backend"});
  bench::CompareHooks hooks;
  hooks.samples = samples_for;
  try {
    bench::run_compare(o, hooks);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no backend could open the model"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no-such-backend"), std::string::npos);
  }
}

}  // namespace
