// The PostgreSQL results store against a real server started on loopback for each test
// (tests/fleet/local_pg.sh): same behaviour as the SQLite store, concurrent writers, a writer
// killed mid-run, atomic imports, `results --merge`, and clear errors for an unreachable server
// and wrong credentials.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <set>
#include <thread>

#include "bench/results_pg.h"
#include "fleet_test_util.h"
#include "inferlab/lab/results_db.h"
#include "inferlab/lab/tiny_model.h"
#include "ir/error.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using inferlab::bench::open_results_store;
using inferlab::bench::ResultsStore;
using inferlab::test::contains;
using inferlab::test::run_cli;

namespace {

class PgStore : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = std::make_unique<inferlab::test::LocalDaemon>("local_pg.sh", "pg");
    if (pg_->unavailable()) GTEST_SKIP() << pg_->output();
    ASSERT_TRUE(pg_->ok()) << "could not start PostgreSQL: " << pg_->output();
    url_ = pg_->value();
    dir_ = inferlab::test::fleet_temp_dir("pgwork");
    fs::create_directories(dir_);
    model_ = (dir_ / "add.onnx").string();
    inferlab::backends::write_add_model(model_, {1, 64});
  }
  void TearDown() override {
    pg_.reset();
    fs::remove_all(dir_);
  }
  // A bench run of the tiny model through the reference engine, recording in `db`.
  std::string bench_args(const std::string& db, int repetitions) const {
    return "bench " + model_ + " --engine reference --niter 50 --warmup 0 --no-progress " +
           "--repetitions " + std::to_string(repetitions) + " --db '" + db + "'";
  }
  std::unique_ptr<inferlab::test::LocalDaemon> pg_;
  std::string url_, model_;
  fs::path dir_;
};

pid_t spawn_quiet(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

}  // namespace

// The same calls give the same answers from SQLite and PostgreSQL.
TEST_F(PgStore, SameQueriesAsSqlite) {
  std::vector<std::unique_ptr<ResultsStore>> stores;
  stores.push_back(open_results_store((dir_ / "r.db").string()));
  stores.push_back(open_results_store(url_));
  for (auto& s : stores) {
    SCOPED_TRACE(s->location());
    EXPECT_EQ(s->append({{"backend", "native"},
                         {"scenario", "offline"},
                         {"throughput_fps", 10.5},
                         {"batch", 2},
                         {"model", "/m/resnet50.onnx"},
                         {"run_id", "r1"},
                         {"extra", {{"x", 1}}}}),
              1);
    EXPECT_EQ(s->append({{"backend", "opencv"}, {"scenario", "offline"}, {"throughput_fps", 3.0}}),
              2);
    const auto all = s->query({});
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0]["extra"]["x"], 1);
    EXPECT_EQ(all[0]["id"], 1);
    EXPECT_EQ(s->query({"backend=opencv"}).at(0)["throughput_fps"], 3.0);
    EXPECT_EQ(s->query({"model~resnet"}).size(), 1u);
    EXPECT_EQ(s->query({"batch=2", "backend=native"}).size(), 1u);
    EXPECT_EQ(s->query({"batch~2"}).size(), 1u);
    EXPECT_EQ(s->query({"throughput_fps=10.5"}).size(), 1u);
    EXPECT_THROW(s->query({"nosuch=1"}), inferlab::Error);
    EXPECT_THROW(s->query({"batch=two"}), inferlab::Error);
    EXPECT_EQ(s->integrity_check(), "ok");
  }
  EXPECT_EQ(stores[0]->query({}), stores[1]->query({}));
}

// An import is one transaction: a row the schema rejects leaves none of the file's rows
// visible; importing the same rows twice adds nothing the second time.
TEST_F(PgStore, ImportIsAllOrNothingAndIdempotent) {
  auto pg = open_results_store(url_);
  const std::vector<nlohmann::json> good{{{"backend", "native"}, {"run_id", "a"}, {"batch", 1}},
                                         {{"backend", "native"}, {"run_id", "a"}, {"batch", 2}}};
  auto bad = good;
  bad.push_back({{"backend", "native"}, {"run_id", "a"}, {"throughput_fps", "fast"}});
  EXPECT_THROW(pg->import_rows(bad), inferlab::Error);
  EXPECT_EQ(pg->query({}).size(), 0u);
  EXPECT_EQ(pg->import_rows(good), 2u);
  EXPECT_EQ(pg->import_rows(good), 0u);
  EXPECT_EQ(pg->query({}).size(), 2u);
  pg->append({{"backend", "after"}});  // the connection is usable after a failed import
  EXPECT_EQ(pg->query({"backend=after"}).size(), 1u);
}

// Two bench runs writing at once: every row of both arrives, each run's rows complete.
TEST_F(PgStore, TwoConcurrentWriters) {
  const std::string exe = std::string(INFERLAB_BINARY_DIR) + "/inferlab";
  if (!fs::exists(exe)) GTEST_SKIP() << "inferlab not built";
  const int reps = 15;
  std::vector<std::thread> writers;
  std::vector<inferlab::test::CliResult> results(2);
  for (int w = 0; w < 2; ++w)
    writers.emplace_back([&, w] { results[w] = run_cli(bench_args(url_, reps)); });
  for (auto& t : writers) t.join();
  for (const auto& r : results) ASSERT_EQ(r.status, 0) << r.out;
  auto pg = open_results_store(url_);
  const auto rows = pg->query({});
  ASSERT_EQ(rows.size(), 2u * (reps + 1));  // repetitions + one summary per run
  std::set<std::string> runs;
  std::set<std::int64_t> ids;
  for (const auto& r : rows) {
    runs.insert(r["run_id"].get<std::string>());
    ids.insert(r["id"].get<std::int64_t>());
    EXPECT_TRUE(r.contains("fingerprint"));
    EXPECT_EQ(r["fingerprint"]["command"].get<std::string>().find(url_), std::string::npos)
        << "the password reached a record";
  }
  EXPECT_EQ(runs.size(), 2u);
  EXPECT_EQ(ids.size(), rows.size());
  for (const auto& run : runs)
    EXPECT_EQ(pg->query({"run_id=" + run, "kind=repetition"}).size(), static_cast<size_t>(reps));
}

// A writer killed with SIGKILL mid-run: what it committed stays, nothing partial is visible,
// and the store keeps working.
TEST_F(PgStore, WriterKilledMidRun) {
  const std::string exe = std::string(INFERLAB_BINARY_DIR) + "/inferlab";
  if (!fs::exists(exe)) GTEST_SKIP() << "inferlab not built";
  const pid_t pid =
      spawn_quiet({exe, "bench", model_, "--engine", "reference", "--niter", "300", "--repetitions",
                   "100000", "--warmup", "0", "--no-progress", "--db", url_});
  ASSERT_GT(pid, 0);
  auto pg = open_results_store(url_);
  std::size_t seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline && seen < 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = pg->query({}).size();
  }
  ASSERT_GE(seen, 5u) << "the bench run recorded too few rows in time";
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  const auto rows = pg->query({});
  EXPECT_GE(rows.size(), seen);
  for (const auto& r : rows) {
    EXPECT_EQ(r["kind"], "repetition");
    EXPECT_GT(r["throughput_fps"].get<double>(), 0);
    EXPECT_TRUE(r.contains("fingerprint"));
  }
  EXPECT_EQ(pg->integrity_check(), "ok");
  EXPECT_GT(pg->append({{"backend", "next"}}), 0);
}

// Nodes that wrote SQLite files: `results --merge` imports them (twice adds nothing), the
// listing groups by CPU model, INFERLAB_DB selects the store, wrong credentials are named.
TEST_F(PgStore, MergeListAndCredentials) {
  const std::string a = (dir_ / "a.db").string(), b = (dir_ / "b.db").string();
  ASSERT_EQ(run_cli(bench_args(a, 2)).status, 0);
  ASSERT_EQ(run_cli(bench_args(b, 3)).status, 0);
  auto merged = run_cli("results --db '" + url_ + "' --merge " + a + " " + b);
  ASSERT_EQ(merged.status, 0) << merged.out;
  EXPECT_TRUE(contains(merged.out, "7 row(s) added")) << merged.out;
  merged = run_cli("results --db '" + url_ + "' --merge " + a);
  EXPECT_TRUE(contains(merged.out, "0 row(s) added, 3 already present")) << merged.out;
  const auto listed =
      inferlab::test::shell("INFERLAB_DB='" + url_ + "' " + std::string(INFERLAB_BINARY_DIR) +
                            "/inferlab results --filter kind=summary 2>&1");
  ASSERT_EQ(listed.first, 0) << listed.second;
  EXPECT_TRUE(contains(listed.second, "== ")) << listed.second;  // a CPU model section
  EXPECT_TRUE(contains(listed.second, "2 row(s) in postgresql://postgres:***@")) << listed.second;
  EXPECT_FALSE(contains(listed.second, url_));  // never the password

  std::string wrong = url_;
  wrong.replace(wrong.find("postgres:") + 9, 4, "nope");
  const auto denied = run_cli("results --db '" + wrong + "'");
  EXPECT_EQ(denied.status, 2) << denied.out;
  EXPECT_TRUE(contains(denied.out, "password authentication failed")) << denied.out;
  EXPECT_TRUE(contains(denied.out, "cannot connect")) << denied.out;
}

// No server listening: one clear message naming the address, exit status 2, before any work.
TEST(PgStoreErrors, UnreachableServer) {
  const std::string exe = std::string(INFERLAB_BINARY_DIR) + "/inferlab";
  if (!fs::exists(exe)) GTEST_SKIP() << "inferlab not built";
  // Port 1 on loopback: nothing listens there.
  const auto r = run_cli("results --db postgresql://u:secret@127.0.0.1:1/x");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "results database postgresql://u:***@127.0.0.1:1/x: cannot connect"))
      << r.out;
  EXPECT_FALSE(contains(r.out, "secret"));
  const auto b = run_cli("bench /nonexistent.onnx --db postgresql://u@127.0.0.1:1/x");
  EXPECT_EQ(b.status, 2) << b.out;
}

TEST(PgStoreErrors, RedactsPasswords) {
  using inferlab::bench::redact_url;
  EXPECT_EQ(redact_url("postgresql://u:pw@h:5/d"), "postgresql://u:***@h:5/d");
  EXPECT_EQ(redact_url("postgresql://u@h/d"), "postgresql://u@h/d");
  EXPECT_EQ(redact_url("postgresql://h/d?user=u&password=pw&x=1"),
            "postgresql://h/d?user=u&password=***&x=1");
  EXPECT_EQ(inferlab::bench::redact_command_line("--db=postgresql://u:pw@h/d"),
            "--db=postgresql://u:***@h/d");
}
