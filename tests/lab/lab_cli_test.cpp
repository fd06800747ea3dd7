// The lab commands' bad-input handling and the sweep's resume and job-array paths, through the
// built binary on a one-Add model (fast).
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "inferlab/lab/results_db.h"
#include "inferlab/lab/tiny_model.h"
#include "support/cli.h"

extern char** environ;

namespace fs = std::filesystem;
using inferlab::test::contains;
using inferlab::test::run_cli;

namespace {

struct Dir {
  fs::path path;
  std::string model;
  Dir() {
    path = fs::temp_directory_path() / ("inferlab-labcli-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
    model = (path / "add.onnx").string();
    inferlab::backends::write_add_model(model, {1, 16});
  }
  ~Dir() { fs::remove_all(path); }
};

}  // namespace

TEST(LabCli, MalformedGridIsAnError) {
  Dir d;
  for (const char* bad : {"--batch 0,abc", "--batch 1,,2", "--streams x", "--precision f64",
                          "--backends native,nope", "--threads 0"}) {
    const auto r = run_cli("sweep " + d.model + " " + bad + " --db " + (d.path / "r.db").string());
    EXPECT_EQ(r.status, 2) << bad << ": " << r.out;
    EXPECT_TRUE(contains(r.out, "error")) << r.out;
  }
}

TEST(LabCli, MoreCoresThanTheMachineIsAnError) {
  Dir d;
  const auto r = run_cli("scale " + d.model + " --cores 1,4096 --no-db");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "4096 cores asked")) << r.out;
}

TEST(LabCli, RooflineNeedsPerLayerData) {
  Dir d;
  const auto r = run_cli("roofline " + d.model + " --backend onnxruntime --no-db");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "no per-layer timings")) << r.out;
}

TEST(LabCli, SweepPointsByIdThenResume) {
  Dir d;
  const std::string db = (d.path / "r.db").string();
  const std::string grid = " --batch 1,2 --streams 1 --threads 1 --time 0.05 --repetitions 2 ";
  auto r = run_cli("sweep " + d.model + grid + "--list-points");
  ASSERT_EQ(r.status, 0) << r.out;
  const auto list = nlohmann::json::parse(r.out);
  ASSERT_EQ(list["points"].size(), 2u);
  const std::string id = list["sweep_id"];
  // Point 1 alone (as a job array task would), then the whole sweep: point 1 is not remeasured.
  r = run_cli("sweep " + d.model + grid + "--point 1 --db " + db);
  ASSERT_EQ(r.status, 0) << r.out;
  r = run_cli("sweep " + d.model + grid + "--point 7 --db " + db);
  EXPECT_EQ(r.status, 2) << r.out;
  r = run_cli("sweep " + d.model + grid + "--no-prune --db " + db);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "1 point(s) resumed")) << r.out;
  EXPECT_TRUE(contains(r.out, "best throughput")) << r.out;
  inferlab::bench::ResultsDb store(db);
  EXPECT_EQ(store.query({"kind=sweep_point", "sweep_id=" + id}).size(), 2u);
  r = run_cli("sweep " + d.model + grid + "--no-prune --db " + db);
  EXPECT_TRUE(contains(r.out, "2 point(s) resumed")) << r.out;
  EXPECT_EQ(store.query({"kind=sweep_point", "sweep_id=" + id}).size(), 2u);
}

TEST(LabCli, SweepKilledMidwayKeepsCompletedPointsAndResumes) {
  Dir d;
  const std::string db = (d.path / "r.db").string();
  std::vector<std::string> args{std::string(INFERLAB_BINARY_DIR) + "/inferlab",
                                "sweep",
                                d.model,
                                "--batch",
                                "1,2,3,4,5,6",
                                "--streams",
                                "1",
                                "--threads",
                                "1",
                                "--time",
                                "0.3",
                                "--repetitions",
                                "1",
                                "--no-prune",
                                "--db",
                                db};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  // Kill it (SIGKILL: no chance to clean up) once two points are stored.
  std::size_t stored = 0;
  for (int i = 0; i < 600 && stored < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (fs::exists(db)) stored = inferlab::bench::ResultsDb(db).query({"kind=sweep_point"}).size();
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_GE(stored, 2u);
  inferlab::bench::ResultsDb store(db);
  EXPECT_EQ(store.integrity_check(), "ok");
  const std::size_t kept = store.query({"kind=sweep_point"}).size();
  ASSERT_LT(kept, 6u) << "the sweep finished before it was killed";
  const auto r = run_cli("sweep " + d.model +
                         " --batch 1,2,3,4,5,6 --streams 1 --threads 1 --time 0.3 --repetitions 1 "
                         "--no-prune --db " +
                         db);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, fmt::format("{} point(s) resumed", kept))) << r.out;
  EXPECT_EQ(store.query({"kind=sweep_point"}).size(), 6u);
}
