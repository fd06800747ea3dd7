#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "inferlab/lab/results_db.h"
#include "inferlab/lab/tiny_model.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using inferlab::bench::ResultsDb;

namespace {

fs::path temp_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("inferlab-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(ResultsDb, AppendQueryFilter) {
  const fs::path d = temp_dir("db");
  {
    ResultsDb db((d / "r.db").string());
    db.append({{"backend", "native"},
               {"scenario", "offline"},
               {"throughput_fps", 10.5},
               {"batch", 2},
               {"model", "/m/resnet50.onnx"},
               {"extra", {{"x", 1}}}});
    db.append({{"backend", "opencv"}, {"scenario", "offline"}, {"throughput_fps", 3.0}});
  }
  ResultsDb db((d / "r.db").string());  // reopened: rows persisted
  EXPECT_EQ(db.integrity_check(), "ok");
  const auto all = db.query({});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["extra"]["x"], 1);  // the whole record is kept
  EXPECT_EQ(all[0]["id"], 1);
  const auto one = db.query({"backend=opencv"});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["throughput_fps"], 3.0);
  EXPECT_EQ(db.query({"model~resnet"}).size(), 1u);
  EXPECT_EQ(db.query({"batch=2", "backend=native"}).size(), 1u);
  EXPECT_THROW(db.query({"nosuch=1"}), inferlab::Error);
  EXPECT_THROW(db.query({"backend"}), inferlab::Error);
  fs::remove_all(d);
}

TEST(ResultsDb, UnwritablePathIsAClearError) {
  EXPECT_THROW(ResultsDb("/nonexistent-dir/x/r.db"), inferlab::Error);
}

// A bench run killed with SIGKILL mid-way keeps every measurement that had completed, and the
// database stays sound.
TEST(ResultsDb, SigkillLosesNothingCompleted) {
  const fs::path exe = fs::path(INFERLAB_BINARY_DIR) / "inferlab";
  if (!fs::exists(exe)) GTEST_SKIP() << "inferlab executable not built at " << exe;
  const fs::path d = temp_dir("kill");
  const std::string model = (d / "add.onnx").string(), db_path = (d / "r.db").string();
  inferlab::backends::write_add_model(model, {1, 64});
  std::vector<std::string> args{
      exe.string(),    "bench",  model,      "--engine", "reference",     "--niter", "300",
      "--repetitions", "100000", "--warmup", "0",        "--no-progress", "--db",    db_path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);

  // Wait until a few repetitions are recorded, then kill -9 while it keeps writing.
  std::size_t seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(db_path)) continue;
    try {
      ResultsDb peek(db_path);
      seen = peek.query({}).size();
    } catch (const inferlab::Error&) {
      continue;
    }
    if (seen >= 5) break;
  }
  ASSERT_GE(seen, 5u) << "the bench run recorded too few rows in time";
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  ResultsDb db(db_path);
  EXPECT_EQ(db.integrity_check(), "ok");
  const auto rows = db.query({});
  EXPECT_GE(rows.size(), seen);  // nothing that completed was lost
  for (const auto& r : rows) {
    EXPECT_EQ(r["kind"], "repetition");
    EXPECT_EQ(r["backend"], "native");
    EXPECT_GT(r["throughput_fps"].get<double>(), 0);
    EXPECT_TRUE(r.contains("fingerprint"));
  }
  fs::remove_all(d);
}
