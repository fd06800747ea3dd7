// `inferlab accuracy` end to end: bad samples reported by file, summary, JSON, exit status.
// Uses the MNIST model of ../shared/data on a synthetic labelled folder written here.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "test_util.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun run(const std::string& args) {
  CliRun r;
  const std::string cmd = std::string(INFERLAB_BINARY_DIR) + "/inferlab accuracy " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) r.out += buf;
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(DataCliAccuracy, BadSamplesAreReportedAndCounted) {
  const std::string model = std::string(INFERLAB_SHARED_DATA) + "/mnist/mnist-8/model.onnx";
  if (!fs::exists(model)) GTEST_SKIP() << "shared test data absent: " << model;
  if (!fs::exists(std::string(INFERLAB_BINARY_DIR) + "/inferlab"))
    GTEST_SKIP() << "inferlab binary not built";
  test::TempDir dir("cli");
  std::string labels;
  for (int i = 0; i < 6; ++i) {
    Image img(28, 28, 1);
    for (int y = 8; y < 20; ++y) img.row(y)[14] = 255;  // a crude "1"
    write_file(dir / fmt::format("{}.png", i), encode_png(img));
    labels += fmt::format("{}.png 1\n", i);
  }
  auto jpeg = encode_jpeg(test::noise(28, 28, 3, 3));
  jpeg.resize(jpeg.size() / 2);
  write_file(dir / "cut.jpg", jpeg);
  labels += "cut.jpg 1\nabsent.png 2\n0.png 10\n";
  test::write_text(dir / "labels.txt", labels);
  const std::string base = model + " --dataset " + dir.path().string() +
                           " --preset mnist --engine reference --json " + (dir / "r.json");
  CliRun r = run(base + " --max-skipped 0.5");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("skipped cut.jpg"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped absent.png"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("label 10 outside the model's 10 classes"), std::string::npos) << r.out;
  EXPECT_NE(
      r.out.find("6 used, 3 skipped (1 corrupt image, 1 label out of range, 1 missing image)"),
      std::string::npos)
      << r.out;
  std::ifstream in(dir / "r.json");
  const auto j = nlohmann::json::parse(in);
  for (const char* k : {"task", "model", "dataset", "backend", "images", "skipped", "top1", "top5"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["images"], 6);
  EXPECT_EQ(j["skipped"], 3);
  EXPECT_GE(j["top1"].get<double>(), 0.0);
  EXPECT_LE(j["top5"].get<double>(), 1.0);
  // 3 of 9 skipped is above the default 1%: exit status 1, with the reason.
  r = run(base);
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("of the images were skipped"), std::string::npos) << r.out;
  // User errors: exit status 2 with one line.
  r = run(model + " --dataset " + (dir / "nope") + " --preset mnist --engine reference");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("dataset not found"), std::string::npos) << r.out;
  r = run(model + " --dataset " + dir.path().string() + " --preset imagenet --engine reference");
  EXPECT_EQ(r.status, 2) << r.out;
}

// The ultraface acceptance check through the CLI: inferlab's own decoding of the raw model, the
// in-graph decoding, and the peer backends all give the same detections on the 24 photos.
TEST(DataCliAccuracySlow, UltrafaceAgreesAcrossDecodingAndBackends) {
  const std::string uf = std::string(INFERLAB_SHARED_DATA) + "/ultraface";
  if (!fs::exists(uf + "/imgs")) GTEST_SKIP() << "shared test data absent: " << uf;
  if (!fs::exists(std::string(INFERLAB_BINARY_DIR) + "/inferlab"))
    GTEST_SKIP() << "inferlab binary not built";
  test::TempDir dir("uf");
  const std::string common = " --dataset " + uf + "/imgs --task detection --preset ultraface";
  const std::string raw = uf + "/version-RFB-320_without_postprocessing.onnx";
  const std::string ref = dir / "native.json";
  CliRun r = run(raw + common + " --predictions " + ref);
  ASSERT_EQ(r.status, 0) << r.out;
  r = run(uf + "/version-RFB-320.onnx" + common + " --detection ultraface-decoded --compare " +
          ref);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("0 unmatched"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("AGREE"), std::string::npos) << r.out;
  for (const char* backend : {"opencv", "onnxruntime"}) {
    r = run(raw + common + " --backend " + backend + " --compare " + ref);
    if (r.status == 2 && r.out.find("unavailable") != std::string::npos) {
      std::printf("backend %s unavailable here: %s", backend, r.out.c_str());
      continue;
    }
    EXPECT_EQ(r.status, 0) << backend << ": " << r.out;
    EXPECT_NE(r.out.find("AGREE"), std::string::npos) << backend << ": " << r.out;
  }
}

}  // namespace
}  // namespace inferlab::data
