#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "inferlab/lab/results_db.h"
#include "inferlab/lab/sweep_run.h"
#include "inferlab/lab/tiny_model.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using namespace inferlab;
using namespace inferlab::bench;

namespace {

PointResult measured(const std::string& backend, int batch, double fps, double half, double p90,
                     double p99 = 0) {
  PointResult r;
  r.point.backend = backend;
  r.point.precision = "f32";
  r.point.batch = batch;
  r.throughput_fps = fps;
  r.ci95_low = fps - half;
  r.ci95_high = fps + half;
  r.p50_ms = p90 * 0.9;
  r.p90_ms = p90;
  r.p99_ms = p99 > 0 ? p99 : p90 * 1.1;
  return r;
}

}  // namespace

TEST(SweepGrid, ParsesAxes) {
  EXPECT_EQ(parse_int_axis("1,2,4,8", "--batch", false), (std::vector<int>{1, 2, 4, 8}));
  EXPECT_EQ(parse_int_axis("1,auto", "--streams", true), (std::vector<int>{1, kAuto}));
  EXPECT_EQ(parse_precision_axis("f32,bf16,i8"), (std::vector<std::string>{"f32", "bf16", "i8"}));
  EXPECT_EQ(parse_backend_axis("native,onnxruntime").size(), 2u);
}

TEST(SweepGrid, RejectsMalformedAxes) {
  for (const char* bad : {"0,abc", "0", "abc", "1,,2", "", "1,2,1", "-1", "2x", "auto"}) {
    try {
      parse_int_axis(bad, "--batch", false);
      ADD_FAILURE() << "accepted --batch " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--batch"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(parse_precision_axis("f32,f64"), Error);
  EXPECT_THROW(parse_backend_axis("native,openvinox"), Error);
}

TEST(SweepGrid, PointsBatchInnermostWithStableIds) {
  SweepGrid g = default_grid(2);
  EXPECT_EQ(g.streams, (std::vector<int>{1, 2, kAuto}));
  g.backends = {"native", "onnxruntime"};
  const auto pts = sweep_points(g);
  ASSERT_EQ(pts.size(), 2u * 3 * 1 * 5);
  for (std::size_t i = 0; i < pts.size(); ++i) EXPECT_EQ(pts[i].id, static_cast<int>(i));
  EXPECT_EQ(pts[0].key(), "native/f32/s1/tauto/b1");
  EXPECT_EQ(pts[3].key(), "native/f32/s1/tauto/b8");
  EXPECT_EQ(pts[4].key(), "native/f32/s1/tauto/b16");
  EXPECT_EQ(pts[5].key(), "native/f32/s2/tauto/b1");
  EXPECT_EQ(group_key(pts[0]), group_key(pts[3]));
  EXPECT_NE(group_key(pts[0]), group_key(pts[5]));
  EXPECT_EQ(sweep_id("m.onnx", g, {}), sweep_id("m.onnx", g, {}));
  EXPECT_NE(sweep_id("m.onnx", g, {}), sweep_id("n.onnx", g, {}));
}

TEST(SweepAnalysis, PruneRuleUsesTheNoise) {
  const auto b1 = measured("native", 1, 100, 2, 10);
  EXPECT_FALSE(stop_raising_batch(b1, measured("native", 2, 120, 2, 16)));   // clear gain
  EXPECT_FALSE(stop_raising_batch(b1, measured("native", 2, 99, 2, 16)));    // flat, within noise
  EXPECT_TRUE(stop_raising_batch(b1, measured("native", 2, 90, 1, 16)));     // slower
  EXPECT_FALSE(stop_raising_batch(b1, measured("native", 2, 98.5, 0, 16)));  // < 2% slower
}

TEST(SweepAnalysis, AnswersAndParetoFront) {
  std::vector<PointResult> rs{
      measured("native", 1, 100, 1, 10, 12), measured("native", 2, 150, 1, 14, 30),
      measured("native", 4, 140, 1, 20, 40),  // dominated by b2
      measured("native", 8, 180, 1, 40, 50), measured("onnxruntime", 1, 50, 1, 20)};
  PointResult failed;
  failed.point.backend = "native";
  failed.status = PointStatus::failed;
  failed.reason = "precision bf16 is not supported";
  rs.push_back(failed);
  const auto a = sweep_answers(rs, 35);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].backend, "native");
  EXPECT_EQ(a[0].measured, 4);
  EXPECT_EQ(a[0].failed, 1);
  EXPECT_EQ(a[0].best_throughput->point.batch, 8);
  EXPECT_EQ(a[0].best_p50->point.batch, 1);
  EXPECT_EQ(a[0].best_p90->point.batch, 1);
  EXPECT_EQ(a[0].best_under_bound->point.batch, 2);  // p99 30 <= 35; b8 has 50
  ASSERT_EQ(a[0].pareto.size(), 3u);
  EXPECT_EQ(a[0].pareto[0].point.batch, 1);
  EXPECT_EQ(a[0].pareto[1].point.batch, 2);
  EXPECT_EQ(a[0].pareto[2].point.batch, 8);
  EXPECT_EQ(a[1].best_throughput->throughput_fps, 50);
}

TEST(SweepAnalysis, PointResultRoundTrip) {
  PointResult r = measured("native", 4, 123.5, 3, 8);
  r.point.streams = 2;
  r.point.id = 7;
  r.streams_used = 2;
  const PointResult back = point_result_from_json(to_json(r));
  EXPECT_EQ(back.point.key(), r.point.key());
  EXPECT_EQ(back.point.id, 7);
  EXPECT_EQ(back.throughput_fps, 123.5);
  EXPECT_EQ(back.ci95_low, r.ci95_low);
  EXPECT_EQ(back.status, PointStatus::measured);
}

TEST(SweepRun, MeasuresFailsAndResumesWithoutRemeasuring) {
  const fs::path d = fs::temp_directory_path() / ("inferlab-sweep-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string model = (d / "add.onnx").string();
  backends::write_add_model(model, {1, 16});
  SweepGrid g;
  g.streams = {1, 64};  // 64 streams: more than this machine's cores, so those points fail
  g.threads = {1};
  g.batches = {1, 2};
  const auto pts = sweep_points(g);
  SweepRun run;
  run.id = sweep_id(model, g, {});
  run.base.model = model;
  run.scenario.repetitions = 2;
  run.scenario.duration_s = 0.05;
  run.scenario.warmup = 1;
  run.cores = 2;
  run.prune = false;
  int sample_calls = 0;
  run.samples = [&](const std::vector<PortInfo>& ports, std::int64_t n) {
    ++sample_calls;
    std::vector<backends::TensorMap> s(static_cast<std::size_t>(n));
    for (auto& m : s)
      for (const auto& p : ports) m[p.name] = Tensor(p.dtype, p.shape);
    return s;
  };
  {
    ResultsDb db((d / "r.db").string());
    const auto out = run_sweep(pts, run, db, {});
    ASSERT_EQ(out.results.size(), 4u);
    EXPECT_EQ(out.resumed, 0);
    EXPECT_EQ(out.results[0].status, PointStatus::measured);
    EXPECT_GT(out.results[0].throughput_fps, 0);
    EXPECT_EQ(out.results[2].status, PointStatus::failed);
    EXPECT_NE(out.results[2].reason.find("64 streams"), std::string::npos);
    EXPECT_EQ(sample_calls, 2);
  }
  ResultsDb db((d / "r.db").string());
  EXPECT_EQ(stored_points(db, run.id).size(), 4u);
  const auto again = run_sweep(pts, run, db, {});
  EXPECT_EQ(again.resumed, 4);
  EXPECT_EQ(sample_calls, 2);  // nothing measured again
  EXPECT_EQ(again.results[1].throughput_fps,
            point_result_from_json(to_json(again.results[1])).throughput_fps);
  fs::remove_all(d);
}
