// `inferlab zoo` end to end: listing, --info figures, writing with --batch/--seed, reading the
// written file back (--info FILE, inferlab run) and errors.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "zoo_test_util.h"

namespace inferlab::zoo {
namespace {

using test::contains;
using test::run_cli;

class ZooCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(test::cli_path())) GTEST_SKIP() << "inferlab binary not built";
  }
};

TEST_F(ZooCli, ListsModels) {
  const auto r = run_cli("zoo");
  EXPECT_EQ(r.status, 0) << r.out;
  for (const char* m : {"resnet50", "ssd300", "mobilenet_v2"}) EXPECT_TRUE(contains(r.out, m));
}

TEST_F(ZooCli, InfoPrintsTorchvisionFigures) {
  const auto r = run_cli("zoo resnet50 --info");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "25,557,032 parameters")) << r.out;
  EXPECT_TRUE(contains(r.out, "4.089 GMAC (4,089,184,256 MACs) at batch 1")) << r.out;
}

TEST_F(ZooCli, WritesReadsAndRunsAModel) {
  test::TempDir dir("cli");
  const std::string file = dir / "m.onnx";
  auto r = run_cli("zoo mobilenet_v2 -o " + file + " --batch 2 --seed 3");
  ASSERT_EQ(r.status, 0) << r.out;
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_GT(std::filesystem::file_size(file), 14'000'000u);
  r = run_cli("zoo --info " + file);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "3,504,872 parameters")) << r.out;
  EXPECT_TRUE(contains(r.out, "(601,548,544 MACs)")) << r.out;  // 2 x 300,774,272
  r = run_cli("run " + file + " --engine reference");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "output logits f32 2x1000")) << r.out;
  // The same seed writes the same bytes.
  const std::string again = dir / "again.onnx";
  ASSERT_EQ(run_cli("zoo mobilenet_v2 -o " + again + " --batch 2 --seed 3").status, 0);
  std::ifstream a(file, std::ios::binary), b(again, std::ios::binary);
  EXPECT_TRUE(std::equal(std::istreambuf_iterator<char>(a), {}, std::istreambuf_iterator<char>(b)));
}

TEST_F(ZooCli, Errors) {
  auto r = run_cli("zoo resnet51 -o /tmp/never-written.onnx");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "unknown model 'resnet51'")) << r.out;
  r = run_cli("zoo resnet50");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "give -o FILE.onnx")) << r.out;
  r = run_cli("zoo --info /nonexistent/model.onnx");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "/nonexistent/model.onnx: no such model file")) << r.out;
  r = run_cli("zoo resnet50 --batch 0 --info");
  EXPECT_NE(r.status, 0) << r.out;
}

// SSD300 on the reference engine takes about 30 s: acceptance runs only.
TEST_F(ZooCli, Ssd300RunsOnReferenceEngine) {
  const char* acc = std::getenv("INFERLAB_ACCEPTANCE");
  if (!acc || std::string(acc) != "1") GTEST_SKIP() << "set INFERLAB_ACCEPTANCE=1 (about 30 s)";
  test::TempDir dir("ssd");
  const std::string file = dir / "ssd300.onnx";
  ASSERT_EQ(run_cli("zoo ssd300 -o " + file).status, 0);
  const auto r = run_cli("run " + file + " --engine reference");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "output boxes f32 1x8732x4")) << r.out;
  EXPECT_TRUE(contains(r.out, "output scores f32 1x8732x21")) << r.out;
}

}  // namespace
}  // namespace inferlab::zoo
