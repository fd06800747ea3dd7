// Job arrays on a real one-node Slurm cluster started for each test on loopback
// (tests/fleet/local_slurm.sh: munged, slurmctld, slurmd, a generated slurm.conf): every task's
// result (bench configurations, sweep points, whole studies) arrives with its node's fingerprint; a
// failing task, a node that never starts and a machine without Slurm are reported by name with a
// non-zero exit, the other results kept.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "fleet_test_util.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/slurm.h"
#include "inferlab/lab/tiny_model.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using inferlab::test::contains;
using inferlab::test::run_cli;

namespace {

class SlurmArray : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(fs::path(INFERLAB_BINARY_DIR) / "inferlab")) GTEST_SKIP() << "not built";
    slurm_ = std::make_unique<inferlab::test::LocalDaemon>("local_slurm.sh", "slurm");
    if (slurm_->unavailable()) GTEST_SKIP() << slurm_->output();
    ASSERT_TRUE(slurm_->ok()) << "could not start Slurm: " << slurm_->output();
    setenv("SLURM_CONF", (slurm_->dir() / "slurm.conf").c_str(), 1);
    dir_ = inferlab::test::fleet_temp_dir("slurmwork");
    fs::create_directories(dir_);
    model_ = (dir_ / "add.onnx").string();
    inferlab::backends::write_add_model(model_, {1, 64});
  }
  void TearDown() override {
    slurm_.reset();
    unsetenv("SLURM_CONF");
    fs::remove_all(dir_);
  }
  std::string db() const { return (dir_ / "r.db").string(); }
  std::string common() const {
    return " --db " + db() + " --job-dir " + (dir_ / "job").string() + " --poll 0.5";
  }
  std::string bench(const std::string& model) const {
    return "bench " + model + " --engine reference --niter 20 --repetitions 1 --warmup 0 " +
           "--no-progress";
  }
  std::unique_ptr<inferlab::test::LocalDaemon> slurm_;
  fs::path dir_;
  std::string model_;
};

}  // namespace

// `bench --slurm` with three configurations: three array tasks, every result in the store with
// the node's fingerprint, listed under the node's CPU model.
TEST_F(SlurmArray, EveryConfigurationArrives) {
  const auto r = run_cli(bench(model_) + " --slurm --slurm-config '--batch 1' --slurm-config " +
                         "'--batch 2' --slurm-config '--batch 4' --wait-timeout 300" + common());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "3 of 3 task(s) done, 0 failed, 0 missing")) << r.out;
  auto store = inferlab::bench::open_results_store(db());
  const auto rows = store->query({"kind=summary"});
  ASSERT_EQ(rows.size(), 3u);
  std::set<int> batches;
  for (const auto& row : rows) {
    batches.insert(row["batch"].get<int>());
    EXPECT_FALSE(row["fingerprint"].value("cpu_model", "").empty());
    EXPECT_FALSE(row["fingerprint"].value("hostname", "").empty());
  }
  EXPECT_EQ(batches, (std::set<int>{1, 2, 4}));
  const auto listed = run_cli("results --db " + db() + " --filter kind=summary");
  EXPECT_TRUE(contains(listed.out, "== ")) << listed.out;
  EXPECT_TRUE(contains(listed.out, "3 row(s)")) << listed.out;
  EXPECT_TRUE(fs::exists(dir_ / "job" / "job.sh"));  // the script it submitted, for the record
}

// With a shared PostgreSQL store every task writes there directly; the URL reaches the tasks
// through the job's environment, never through the job directory.
TEST_F(SlurmArray, TasksWriteIntoSharedPostgres) {
  inferlab::test::LocalDaemon pg("local_pg.sh", "slurmpg");
  if (pg.unavailable()) GTEST_SKIP() << pg.output();
  ASSERT_TRUE(pg.ok()) << pg.output();
  const std::string url = pg.value();
  const auto r = run_cli(bench(model_) + " --slurm --slurm-config '--batch 1' --slurm-config " +
                         "'--batch 3' --wait-timeout 300 --poll 0.5 --job-dir " +
                         (dir_ / "job").string() + " --db '" + url + "'");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_FALSE(contains(r.out, url));
  auto store = inferlab::bench::open_results_store(url);
  EXPECT_EQ(store->query({"kind=summary"}).size(), 2u);
  EXPECT_FALSE(fs::exists(dir_ / "job" / "task-0.db"));  // no per-task file: straight to the server
  const auto grep = inferlab::test::shell("grep -r -l '" + url + "' " + (dir_ / "job").string());
  EXPECT_NE(grep.first, 0) << "the URL with its password was written to " << grep.second;
}

// `sweep --slurm`: one task per grid point (`sweep --point K` on the node), every point stored
// under the sweep's id, answers computed from the store; a second run submits nothing.
TEST_F(SlurmArray, SweepPointsAsJobArray) {
  const std::string sweep = "sweep " + model_ +
                            " --batch 1,2,4 --streams 1 --threads 1 --time 0.05 --repetitions 1 "
                            "--engine reference --slurm --wait-timeout 300" +
                            common();
  auto r = run_cli(sweep);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "3 point(s), 0 already stored, 3 to submit")) << r.out;
  EXPECT_TRUE(contains(r.out, "3 of 3 task(s) done")) << r.out;
  EXPECT_TRUE(contains(r.out, "3 point(s) resumed")) << r.out;  // answers from the store
  EXPECT_TRUE(contains(r.out, "best throughput")) << r.out;
  auto store = inferlab::bench::open_results_store(db());
  const auto points = store->query({"kind=sweep_point"});
  ASSERT_EQ(points.size(), 3u);
  for (const auto& p : points) EXPECT_FALSE(p["fingerprint"].value("cpu_model", "").empty());
  r = run_cli(sweep);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "3 already stored, 0 to submit")) << r.out;
  EXPECT_EQ(store->query({"kind=sweep_point"}).size(), 3u);
}

// A task list with one failing invocation: the failure is named with its exit status and
// message, the other task's results are kept, exit status 1.
TEST_F(SlurmArray, FailingTaskIsNamedOthersKept) {
  const fs::path tasks = dir_ / "tasks.txt";
  std::ofstream(tasks) << "# two points\n"
                       << bench(model_) << "\n"
                       << bench((dir_ / "missing.onnx").string()) << "\n";
  const auto r = run_cli("slurm " + tasks.string() + " --wait-timeout 300" + common());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "1 of 2 task(s) done, 1 failed, 0 missing")) << r.out;
  EXPECT_TRUE(contains(r.out, "FAILED  task 1 'line 3: bench")) << r.out;
  EXPECT_TRUE(contains(r.out, "exit status 2")) << r.out;
  EXPECT_TRUE(contains(r.out, "missing.onnx")) << r.out;
  auto store = inferlab::bench::open_results_store(db());
  EXPECT_EQ(store->query({"kind=summary"}).size(), 1u);
}

// The partition's only node never comes up: the tasks stay pending; after --wait-timeout they
// are cancelled and reported missing with Slurm's reason, exit status 1.
TEST_F(SlurmArray, NodeThatNeverStarts) {
  const fs::path tasks = dir_ / "tasks.txt";
  std::ofstream(tasks) << bench(model_) << "\n";
  const auto r =
      run_cli("slurm " + tasks.string() + " --partition ghost --wait-timeout 6" + common());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "MISSING task 0")) << r.out;
  EXPECT_TRUE(contains(r.out, "still PENDING")) << r.out;
  EXPECT_TRUE(contains(r.out, "cancelled")) << r.out;
}

// `study --slurm --nodes 2`: the whole study runs once per array task (each in its own workdir
// JOBDIR/node-K), every task's sweep, scaling and roofline rows arrive in the store, and the
// study's report and `results` are built from them.
TEST_F(SlurmArray, StudyOnEveryNode) {
  const std::string html = (dir_ / "study.html").string();
  const auto r =
      run_cli("study " + model_ + " --budget 0.1 --slurm --nodes 2 --wait-timeout 600 -o " + html +
              common());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "on 2 node(s): the whole study on each")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 of 2 task(s) done, 0 failed, 0 missing")) << r.out;
  auto store = inferlab::bench::open_results_store(db());
  for (const std::string kind : {"sweep_point", "scale_point", "roofline"}) {
    std::set<std::string> tasks;  // which task's study wrote the rows (its workdir)
    for (const auto& row : store->query({"kind=" + kind})) {
      EXPECT_FALSE(row["fingerprint"].value("cpu_model", "").empty());
      const std::string cmd = row["fingerprint"].value("command", "");
      for (const std::string t : {"node-0", "node-1"})
        if (contains(cmd, (dir_ / "job" / t).string())) tasks.insert(t);
    }
    EXPECT_EQ(tasks.size(), 2u) << kind << " rows did not arrive from both tasks";
  }
  const std::size_t rows = store->query({}).size();
  EXPECT_TRUE(contains(r.out, "report " + html + " (" + std::to_string(rows) + " rows")) << r.out;
  EXPECT_TRUE(fs::exists(html));
  const auto listed = run_cli("results --db " + db());
  EXPECT_TRUE(contains(listed.out, "(" + std::to_string(rows) + " row(s); host(s)")) << listed.out;
}

// One task cannot run its study on the node (its workdir is taken by a file): it is named with
// the study's message, the other task's results are kept and reported, exit status 1.
TEST_F(SlurmArray, StudyTaskFailingOnNodeKeepsTheOthers) {
  fs::create_directories(dir_ / "job");
  std::ofstream(dir_ / "job" / "node-1") << "not a folder\n";
  const std::string html = (dir_ / "study.html").string();
  const auto r =
      run_cli("study " + model_ + " --budget 0.1 --slurm --nodes 2 --wait-timeout 600 -o " + html +
              common());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "1 of 2 task(s) done, 1 failed, 0 missing")) << r.out;
  EXPECT_TRUE(contains(r.out, "FAILED  task 1 'study 1 (workdir node-1)': exit status 2")) << r.out;
  EXPECT_TRUE(contains(r.out, "cannot create the study's --workdir")) << r.out;
  EXPECT_TRUE(contains(r.out, "not every node finished its study")) << r.out;
  auto store = inferlab::bench::open_results_store(db());
  const auto points = store->query({"kind=sweep_point"});
  EXPECT_FALSE(points.empty());
  for (const auto& p : points)
    EXPECT_TRUE(
        contains(p["fingerprint"].value("command", ""), (dir_ / "job" / "node-0").string()));
  EXPECT_TRUE(fs::exists(html)) << "the report of the completed task";
}

TEST(SlurmErrors, StudyWithoutSlurm) {
  const fs::path dir = inferlab::test::fleet_temp_dir("nostudy");
  fs::create_directories(dir);
  inferlab::backends::write_add_model((dir / "m.onnx").string(), {1, 8});
  const auto [st, out] = inferlab::test::shell(
      "PATH=/nonexistent " + std::string(INFERLAB_BINARY_DIR) + "/inferlab study " +
      (dir / "m.onnx").string() + " --slurm --db " + (dir / "r.db").string() + " --job-dir " +
      (dir / "job").string() + " 2>&1");
  EXPECT_EQ(st, 2) << out;
  EXPECT_TRUE(contains(out, "Slurm is not installed here: 'sbatch' is not on PATH")) << out;
  EXPECT_FALSE(fs::exists(dir / "job")) << "nothing is prepared before Slurm is found";
  const auto bad = run_cli("study " + (dir / "m.onnx").string() + " --nodes 2");
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_TRUE(contains(bad.out, "need --slurm")) << bad.out;
  fs::remove_all(dir);
}

TEST(SlurmErrors, NotInstalled) {
  const fs::path dir = inferlab::test::fleet_temp_dir("noslurm");
  fs::create_directories(dir);
  std::ofstream(dir / "tasks.txt") << "bench x.onnx\n";
  const auto [st, out] = inferlab::test::shell(
      "PATH=/nonexistent " + std::string(INFERLAB_BINARY_DIR) + "/inferlab slurm " +
      (dir / "tasks.txt").string() + " --db " + (dir / "r.db").string() + " --job-dir " +
      (dir / "job").string() + " 2>&1");
  EXPECT_EQ(st, 2) << out;
  EXPECT_TRUE(contains(out, "Slurm is not installed here: 'sbatch' is not on PATH")) << out;
  fs::remove_all(dir);
}

TEST(SlurmErrors, BadTaskFile) {
  const fs::path dir = inferlab::test::fleet_temp_dir("badtasks");
  fs::create_directories(dir);
  std::ofstream(dir / "tasks.txt") << "bench 'unbalanced\n";
  auto r = run_cli("slurm " + (dir / "tasks.txt").string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "line 1")) << r.out;
  std::ofstream(dir / "tasks.txt") << "bench m.onnx --db other.db\n";
  r = run_cli("slurm " + (dir / "tasks.txt").string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "remove --db")) << r.out;
  fs::remove_all(dir);
}

TEST(SlurmScript, TemplateHasTheArrayAndOptions) {
  inferlab::fleet::SlurmOptions o;
  o.job_dir = "/shared/job";
  o.partition = "zen5";
  o.time_limit = "30";
  const std::string s = inferlab::fleet::job_script(o, 4);
  EXPECT_TRUE(contains(s, "#SBATCH --array=0-3\n"));
  EXPECT_TRUE(contains(s, "#SBATCH --exclusive\n"));
  EXPECT_TRUE(contains(s, "#SBATCH --partition=zen5\n"));
  EXPECT_TRUE(contains(s, "#SBATCH --time=30\n"));
  EXPECT_TRUE(contains(s, "#SBATCH --output=/shared/job/task-%a.out\n"));
  EXPECT_EQ(inferlab::fleet::shell_quote("it's"), "'it'\\''s'");
}
