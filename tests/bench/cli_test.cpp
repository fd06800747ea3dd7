// The bench/compare/results commands as a user runs them: option validation before any work,
// JSON/CSV output, results listing.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "inferlab/lab/tensor_file.h"
#include "inferlab/lab/tiny_model.h"

namespace fs = std::filesystem;

namespace {

struct CmdResult {
  int status;
  std::string out;
};

CmdResult run(const std::string& args) {
  const std::string cmd = std::string(INFERLAB_BINARY_DIR) + "/inferlab " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

class BenchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(fs::path(INFERLAB_BINARY_DIR) / "inferlab"))
      GTEST_SKIP() << "inferlab executable not built";
    dir_ = fs::temp_directory_path() / ("inferlab-benchcli-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    model_ = (dir_ / "add.onnx").string();
    inferlab::backends::write_add_model(model_, {2, 8});
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string bench(const std::string& extra) {
    return "bench " + model_ + " --engine reference --no-progress --db " +
           (dir_ / "r.db").string() + " " + extra;
  }
  fs::path dir_;
  std::string model_;
};

}  // namespace

TEST_F(BenchCli, InvalidOptionsAreRejectedBeforeAnyWork) {
  const std::pair<const char*, const char*> cases[] = {
      {"--niter 0 --time 0", "--time"},
      {"--streams -1", "--streams"},
      {"--nireq -2", "--nireq"},
      {"--repetitions 0", "--repetitions"},
      {"--batch -4", "--batch"},
      {"--streams 4096", "use --force"},
      {"--backend tvm", "unknown backend 'tvm'"},
      {"--shape a=2xfoo", "malformed shape"},
      {"--shape 1x2", "malformed --shape"},
      {"--scenario burst", "unknown scenario"},
      {"--scenario server", "--rate"},
      {"--api sync --nireq 4", "--api sync"},
      {"--hint fast", "--hint"},
  };
  for (const auto& [opts, msg] : cases) {
    const CmdResult r = run(bench(opts));
    EXPECT_EQ(r.status, 2) << opts << ": " << r.out;
    EXPECT_NE(r.out.find(msg), std::string::npos) << opts << ": " << r.out;
    EXPECT_EQ(r.out.find("repetition 1"), std::string::npos) << opts;  // nothing measured
  }
  EXPECT_FALSE(fs::exists(dir_ / "r.db"));  // rejected before the store was even opened
  const CmdResult missing = run("bench " + (dir_ / "none.onnx").string() + " --no-db");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.out.find("does not exist"), std::string::npos);
}

// --latency-log: every measured query in its repetition's 1-us bin, as the summaries count them.
// Pooled, the log gives the JSON's percentiles again (nearest rank); a bad destination fails
// before anything is measured, a full one fails with exit status 2.
TEST_F(BenchCli, LatencyLogHoldsEachRepetitionsHistogram) {
  const fs::path log = dir_ / "lat.csv", json = dir_ / "lat.json";
  const CmdResult r = run(bench("--niter 30 --repetitions 3 --latency-log " + log.string() +
                                " --json " + json.string()));
  ASSERT_EQ(r.status, 0) << r.out;
  std::ifstream f(log);
  std::string line;
  std::getline(f, line);
  EXPECT_EQ(line, "repetition,kind,latency_us,queries");
  std::map<int, std::int64_t> per_rep;
  std::map<std::int64_t, std::int64_t> pooled;
  while (std::getline(f, line)) {
    int rep = 0;
    char kind[32] = {};
    long long us = 0, n = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%d,%31[^,],%lld,%lld", &rep, kind, &us, &n), 4) << line;
    EXPECT_STREQ(kind, "repetition");
    per_rep[rep] += n;
    pooled[us] += n;
  }
  EXPECT_EQ(per_rep, (std::map<int, std::int64_t>{{1, 30}, {2, 30}, {3, 30}}));
  std::ifstream jf(json);
  const auto j = nlohmann::json::parse(jf);
  auto nearest_rank_ms = [&](double p) {
    const auto rank = static_cast<std::int64_t>(std::ceil(p / 100 * 90));
    std::int64_t seen = 0;
    for (const auto& [us, n] : pooled)
      if ((seen += n) >= rank) return static_cast<double>(us) / 1000;
    return 0.0;
  };
  EXPECT_DOUBLE_EQ(nearest_rank_ms(50), j["latency_ms"]["p50"].get<double>());
  EXPECT_DOUBLE_EQ(nearest_rank_ms(99), j["latency_ms"]["p99"].get<double>());

  const CmdResult nowhere = run(bench("--niter 5 --latency-log /nonexistent/lat.csv"));
  EXPECT_EQ(nowhere.status, 2);
  EXPECT_NE(nowhere.out.find("--latency-log file /nonexistent/lat.csv: no folder"),
            std::string::npos)
      << nowhere.out;
  EXPECT_EQ(nowhere.out.find("repetition 1:"), std::string::npos) << "measured before failing";
  const CmdResult elsewhere = run("bench --overhead-check --latency-log " + log.string());
  EXPECT_EQ(elsewhere.status, 2) << "a mode that measures elsewhere must not ignore the log";
  const CmdResult full = run(bench("--niter 5 --latency-log /dev/full"));
  EXPECT_EQ(full.status, 2);
  EXPECT_NE(full.out.find("No space left on device"), std::string::npos) << full.out;
}

TEST_F(BenchCli, JsonCsvAndResults) {
  const fs::path json = dir_ / "r.json", csv = dir_ / "r.csv";
  const CmdResult r =
      run(bench("--niter 20 --repetitions 2 --scenario multi_stream --samples-per-query "
                "3 --pc --json " +
                json.string() + " --csv " + csv.string()));
  ASSERT_EQ(r.status, 0) << r.out;
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  for (const char* k : {"backend", "model", "batch", "streams", "threads", "precision", "scenario",
                        "throughput_fps", "latency_ms", "repetitions", "ci95_fps",
                        "first_inference_ms", "compile_ms", "peak_rss_mb", "fingerprint"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["backend"], "native");
  EXPECT_EQ(j["scenario"], "multi_stream");
  EXPECT_EQ(j["batch"], 2);
  EXPECT_EQ(j["repetitions"], 2);
  EXPECT_EQ(j["latency_ms"]["count"], 40);
  EXPECT_GT(j["throughput_fps"].get<double>(), 0);
  EXPECT_LE(j["latency_ms"]["min"].get<double>(), j["latency_ms"]["p50"].get<double>());
  EXPECT_LE(j["latency_ms"]["p50"].get<double>(), j["latency_ms"]["p99"].get<double>());
  EXPECT_LE(j["latency_ms"]["p99"].get<double>(), j["latency_ms"]["max"].get<double>());
  EXPECT_FALSE(j["fingerprint"]["cpu_model"].get<std::string>().empty());
  EXPECT_TRUE(j["fingerprint"]["isa"].contains("avx512f"));
  EXPECT_NE(j["fingerprint"]["command"].get<std::string>().find("--samples-per-query"),
            std::string::npos);
  ASSERT_TRUE(j.contains("layers"));
  ASSERT_FALSE(j["layers"].empty());
  EXPECT_EQ(j["layers"][0]["op_type"], "Add");
  std::ifstream c(csv);
  std::string header, row;
  std::getline(c, header);
  std::getline(c, row);
  EXPECT_NE(header.find("throughput_fps"), std::string::npos);
  EXPECT_NE(header.find("latency_p99_ms"), std::string::npos);
  EXPECT_NE(row.find("native"), std::string::npos);

  // Two repetitions and the summary were recorded.
  const std::string db = (dir_ / "r.db").string();
  const CmdResult list = run("results --db " + db + " --json --filter kind=repetition");
  ASSERT_EQ(list.status, 0) << list.out;
  EXPECT_EQ(nlohmann::json::parse(list.out).size(), 2u);
  const CmdResult all = run("results --db " + db + " --csv");
  ASSERT_EQ(all.status, 0);
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 4);  // header + 3 rows
  EXPECT_EQ(run("results --db " + db + " --integrity-check").status, 0);
  EXPECT_EQ(run("results --db " + db + " --filter bogus=1").status, 2);
}

TEST_F(BenchCli, InputsFromFiles) {
  inferlab::Tensor a(inferlab::DType::f32, {2, 8});
  inferlab::write_tensor_npy((dir_ / "a.npy").string(), a);
  const CmdResult ok =
      run(bench("--niter 5 --repetitions 1 --input a=" + (dir_ / "a.npy").string()));
  EXPECT_EQ(ok.status, 0) << ok.out;
  inferlab::Tensor wrong(inferlab::DType::f32, {3, 8});
  inferlab::write_tensor_npy((dir_ / "w.npy").string(), wrong);
  const CmdResult bad = run(bench("--niter 5 --input a=" + (dir_ / "w.npy").string()));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.out.find("input 'a'"), std::string::npos) << bad.out;
  const CmdResult unknown = run(bench("--niter 5 --input zz=" + (dir_ / "a.npy").string()));
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.out.find("'zz'"), std::string::npos) << unknown.out;
}

// The throughput hint keeps every stream busy (offline: all requests in flight); the latency hint
// measures one query at a time. An explicit --scenario wins over both.
TEST_F(BenchCli, ScenarioFollowsTheHint) {
  const auto scenario_of = [&](const std::string& extra) {
    const fs::path json = dir_ / "h.json";
    const CmdResult r =
        run(bench("--niter 8 --repetitions 1 --json " + json.string() + " " + extra));
    EXPECT_EQ(r.status, 0) << r.out;
    std::ifstream f(json);
    const auto j = nlohmann::json::parse(f);
    return std::make_pair(j["scenario"].get<std::string>(), j["nireq"].get<int>());
  };
  EXPECT_EQ(scenario_of("--hint throughput --streams 2 --threads 1"),
            std::make_pair(std::string("offline"), 2));
  EXPECT_EQ(scenario_of("--hint latency").first, "single_stream");
  EXPECT_EQ(scenario_of("--hint throughput --streams 2 --threads 1 --scenario single_stream").first,
            "single_stream");
}

TEST_F(BenchCli, ServerScenarioReportsTheBound) {
  const fs::path json = dir_ / "s.json";
  const CmdResult r =
      run(bench("--scenario server --rate 200 --time 0.3 --repetitions 1 "
                "--latency-bound 1000 --json " +
                json.string()));
  ASSERT_EQ(r.status, 0) << r.out;
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["server"]["rate_qps"], 200);
  EXPECT_TRUE(j["server"]["bound_met"].get<bool>());
  EXPECT_GT(j["latency_ms"]["count"].get<int>(), 10);
}

TEST_F(BenchCli, CompareKeepsGoingWhenABackendIsMissing) {
  // An inferlab home without the Python environments: each Python peer is one "missing" row
  // that says what to run; native's row completes.
  const fs::path home = dir_ / "home";
  fs::create_directories(home / "tools" / "peers");
  std::ofstream(home / "tools" / "peers" / "peer_common.py") << "\n";
  setenv("INFERLAB_HOME", home.c_str(), 1);
  const CmdResult r =
      run("compare " + model_ +
          " --backends native,openvino,tensorflow,pytorch --engine reference --niter 10 "
          "--repetitions 1 --no-progress --no-db");
  unsetenv("INFERLAB_HOME");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("native       ok"), std::string::npos) << r.out;
  for (const std::string name : {"openvino", "tensorflow", "pytorch"}) {
    const auto row = r.out.find("\n" + name + " ");
    ASSERT_NE(row, std::string::npos) << r.out;
    const std::string line = r.out.substr(row + 1, r.out.find('\n', row + 1) - row - 1);
    EXPECT_NE(line.find(" missing "), std::string::npos) << line;
    EXPECT_NE(line.find("not installed; run scripts/setup.sh"), std::string::npos) << line;
  }
}
