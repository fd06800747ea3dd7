// --precision through the built binary: a misspelt or impossible request exits 2 with one clear
// message; bf16 shows in --dump-graph, in bench's JSON (precision and per-layer counts) and in
// the per-layer counters.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/cli.h"

using namespace inferlab::test;
namespace fs = std::filesystem;

namespace {

class PrecisionCli : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = std::string(INFERLAB_SHARED_DATA) + "/mnist/mnist-8/model.onnx";
    if (!fs::exists(model_)) GTEST_SKIP() << model_ << " is absent (../shared/data)";
  }
  std::string model_;
};

void expect_exit2(const CliResult& r, const std::string& needle) {
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, needle)) << needle << " in:\n" << r.out;
  EXPECT_FALSE(contains(r.out, "output ")) << r.out;  // nothing ran
}

TEST_F(PrecisionCli, BadOrImpossibleRequestsExit2) {
  expect_exit2(run_cli("run " + model_ + " --precision bf61"), "--precision");
  expect_exit2(run_cli("run " + model_ + " --precision f16"), "--precision");
  expect_exit2(run_cli("run " + model_ + " --precision i8"), "precision i8");
  expect_exit2(run_cli("run " + model_ + " --engine reference --precision bf16"),
               "reference engine runs f32 only");
  expect_exit2(run_cli("bench " + model_ + " --no-db --niter 2 --precision bf61"), "--precision");
}

TEST_F(PrecisionCli, Bf16WithoutTheIsaExit2) {
  // oneDNN honours ONEDNN_MAX_CPU_ISA: below avx512_core_bf16 a bf16 request must fail, naming
  // the ISA, instead of running f32 (or emulated bf16) silently.
  ::setenv("ONEDNN_MAX_CPU_ISA", "AVX512_CORE_VNNI", 1);
  const CliResult r = run_cli("run " + model_ + " --precision bf16");
  ::unsetenv("ONEDNN_MAX_CPU_ISA");
  expect_exit2(r, "avx512_core_bf16");
}

TEST_F(PrecisionCli, DumpGraphShowsPrecisionAndImplementation) {
  const CliResult f = run_cli("run " + model_ + " --dump-graph");
  const CliResult b = run_cli("run " + model_ + " --precision bf16 --dump-graph");
  if (contains(b.out, "avx512_core_bf16 ISA")) GTEST_SKIP() << "no bf16 on this CPU";
  ASSERT_EQ(f.status, 0) << f.out;
  ASSERT_EQ(b.status, 0) << b.out;
  EXPECT_TRUE(contains(f.out, "precision=f32")) << f.out;
  EXPECT_FALSE(contains(f.out, "precision=bf16")) << f.out;
  EXPECT_TRUE(contains(b.out, "precision=bf16")) << b.out;
  EXPECT_TRUE(contains(b.out, "_bf16]")) << b.out;  // e.g. [brgconv:avx512_core_bf16]
  EXPECT_TRUE(contains(b.out, "# precision bf16: bf16: ")) << b.out;
}

TEST_F(PrecisionCli, BenchRecordsPrecisionRun) {
  const fs::path dir = fs::temp_directory_path() / ("inferlab_prec_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path json = dir / "r.json", db = dir / "r.db";
  const CliResult r = run_cli("bench " + model_ +
                              " --precision bf16 --niter 3 --repetitions 1 --pc --no-progress " +
                              "--db " + db.string() + " --json " + json.string());
  if (contains(r.out, "avx512_core_bf16 ISA")) GTEST_SKIP() << "no bf16 on this CPU";
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "precision  bf16 (bf16: ")) << r.out;
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["precision"], "bf16");
  EXPECT_EQ(j["precision_layers"].get<std::string>().rfind("bf16: ", 0), 0u) << j.dump();
  bool conv_bf16 = false;
  for (const auto& l : j["layers"])
    if (l["op_type"] == "Conv" && l["precision"] == "bf16") conv_bf16 = true;
  EXPECT_TRUE(conv_bf16) << j["layers"].dump();
  const CliResult q = run_cli("results --csv --db " + db.string());
  EXPECT_EQ(q.status, 0) << q.out;
  EXPECT_TRUE(contains(q.out, "bf16: ")) << q.out;  // the per-layer counts are stored
  fs::remove_all(dir);
}

}  // namespace
