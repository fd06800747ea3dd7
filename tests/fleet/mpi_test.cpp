// `bench --distributed`: the aggregation arithmetic, and real runs under `mpirun -np 2` (one
// core each, oversubscribed where the machine has fewer): the aggregate, per-rank figures,
// stored rows, and ranks given different models.
#include <gtest/gtest.h>

#include "fleet_test_util.h"
#include "inferlab/lab/distributed.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/tiny_model.h"
#include "ir/error.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using inferlab::fleet::RankFigures;
using inferlab::test::contains;

TEST(Distributed, AggregateIsTotalSamplesOverFirstIssueToLastCompletion) {
  const auto d = inferlab::fleet::aggregate_ranks(
      1, {RankFigures{0, "a", 100, 0.10, 1.10}, RankFigures{1, "b", 50, 0.30, 2.30}});
  EXPECT_EQ(d.samples, 150);
  EXPECT_DOUBLE_EQ(d.wall_s, 2.20);
  EXPECT_DOUBLE_EQ(d.throughput_fps, 150 / 2.20);
  EXPECT_DOUBLE_EQ(d.ranks[0].throughput(), 100.0);
  EXPECT_DOUBLE_EQ(d.ranks[1].throughput(), 25.0);
  EXPECT_EQ(d.per_rank.n, 2);
  EXPECT_GT(d.per_rank.cv, 0.5);
}

TEST(Distributed, SharesAddUpToTheTotal) {
  for (int ranks : {1, 2, 3, 7}) {
    std::int64_t sum = 0;
    for (int r = 0; r < ranks; ++r) sum += inferlab::fleet::query_share(100, ranks, r);
    EXPECT_EQ(sum, 100) << ranks;
  }
  EXPECT_EQ(inferlab::fleet::query_share(10, 3, 0), 4);
  EXPECT_EQ(inferlab::fleet::query_share(10, 3, 2), 3);
}

TEST(Distributed, DifferentRunsAreNamed) {
  EXPECT_NO_THROW(inferlab::fleet::check_same_run({"m size=1", "m size=1"}));
  try {
    inferlab::fleet::check_same_run({"a.onnx size=1", "a.onnx size=1", "b.onnx size=2"});
    FAIL() << "no error";
  } catch (const inferlab::Error& e) {
    EXPECT_TRUE(contains(e.what(), "rank 2 runs b.onnx size=2")) << e.what();
    EXPECT_FALSE(contains(e.what(), "rank 1 runs")) << e.what();
  }
}

namespace {

class MpiRun : public ::testing::Test {
 protected:
  void SetUp() override {
    exe_ = std::string(INFERLAB_BINARY_DIR) + "/inferlab";
    if (!fs::exists(exe_)) GTEST_SKIP() << "inferlab not built";
    dir_ = inferlab::test::fleet_temp_dir("mpi");
    fs::create_directories(dir_);
    inferlab::backends::write_add_model((dir_ / "m0.onnx").string(), {1, 64});
    inferlab::backends::write_add_model((dir_ / "m1.onnx").string(), {1, 32});
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string mpirun() const {
    return "mpirun -np 2 --allow-run-as-root --oversubscribe --bind-to none ";
  }
  std::string bench_tail() const {
    return " --engine reference --threads 1 --no-pin --niter 400 --repetitions 2 --warmup 2 "
           "--no-progress --distributed --db " +
           (dir_ / "r.db").string();
  }
  std::string exe_;
  fs::path dir_;
};

}  // namespace

TEST_F(MpiRun, TwoRanksAggregate) {
  if (!inferlab::fleet::mpi_built()) {
    const auto r = inferlab::test::run_cli("bench " + (dir_ / "m0.onnx").string() + bench_tail());
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "--distributed needs inferlab built with MPI")) << r.out;
    GTEST_SKIP() << "built without MPI: checked the message only";
  }
  if (inferlab::test::shell("command -v mpirun").first != 0) GTEST_SKIP() << "mpirun not installed";
  const auto [st, out] = inferlab::test::shell(
      mpirun() + exe_ + " bench " + (dir_ / "m0.onnx").string() + bench_tail() + " 2>&1");
  ASSERT_EQ(st, 0) << out;
  EXPECT_TRUE(contains(out, "on 2 ranks")) << out;
  EXPECT_TRUE(contains(out, "result     Offline distributed over 2 ranks")) << out;
  EXPECT_TRUE(contains(out, "rank   1")) << out;
  auto db = inferlab::bench::open_results_store((dir_ / "r.db").string());
  const auto summary = db->query({"kind=distributed"});
  ASSERT_EQ(summary.size(), 1u);
  const auto& s = summary[0];
  EXPECT_EQ(s["ranks"], 2);
  EXPECT_EQ(s["rank_fingerprints"].size(), 2u);
  ASSERT_EQ(s["per_repetition"].size(), 2u);
  for (const auto& rep : s["per_repetition"]) {
    std::int64_t samples = 0;
    double first = 1e9, last = 0;
    ASSERT_EQ(rep["per_rank"].size(), 2u);
    for (const auto& r : rep["per_rank"]) {
      samples += r["samples"].get<std::int64_t>();
      first = std::min(first, r["start_s"].get<double>());
      last = std::max(last, r["end_s"].get<double>());
      EXPECT_EQ(r["samples"], 200);  // an even share each
      EXPECT_GT(r["throughput_fps"].get<double>(), 0);
    }
    EXPECT_EQ(samples, 400);
    EXPECT_NEAR(rep["wall_s"].get<double>(), last - first, 1e-9);
    EXPECT_NEAR(rep["throughput_fps"].get<double>(), 400 / (last - first), 1e-6);
  }
  EXPECT_EQ(db->query({"kind=distributed_repetition"}).size(), 2u);
}

TEST_F(MpiRun, RanksWithDifferentModelsFail) {
  if (!inferlab::fleet::mpi_built()) GTEST_SKIP() << "built without MPI";
  if (inferlab::test::shell("command -v mpirun").first != 0) GTEST_SKIP() << "mpirun not installed";
  // Each rank picks m<rank>.onnx.
  const std::string cmd = mpirun() + "sh -c '" + exe_ + " bench " + dir_.string() +
                          "/m$OMPI_COMM_WORLD_RANK.onnx" + bench_tail() + "' 2>&1";
  const auto [st, out] = inferlab::test::shell(cmd);
  EXPECT_NE(st, 0) << out;
  EXPECT_TRUE(contains(out, "MPI ranks run different models or settings: rank 0 runs m0.onnx"))
      << out;
  EXPECT_TRUE(contains(out, "rank 1 runs m1.onnx")) << out;
  EXPECT_FALSE(fs::exists(dir_ / "r.db") &&
               !inferlab::bench::open_results_store((dir_ / "r.db").string())->query({}).empty());
}

TEST(DistributedCli, NeedsAQueryCount) {
  const auto r = inferlab::test::run_cli("bench /dev/null --distributed --time 1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "give --niter N")) << r.out;
  const auto s =
      inferlab::test::run_cli("bench /dev/null --distributed --niter 8 --scenario server");
  EXPECT_EQ(s.status, 2) << s.out;
  EXPECT_TRUE(contains(s.out, "--scenario server cannot be distributed")) << s.out;
}
