// data::run_accuracy, the library behind `inferlab accuracy`: the result struct, its JSON and the
// order of the hooks. Uses the MNIST model of ../shared/data on a synthetic folder written here.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/dataset.h"
#include "inferlab/lab/accuracy.h"
#include "test_util.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

// Six crude "1"s labelled 1.
void write_ones(const test::TempDir& dir) {
  std::string labels;
  for (int i = 0; i < 6; ++i) {
    Image img(28, 28, 1);
    for (int y = 8; y < 20; ++y) img.row(y)[14] = 255;
    write_file(dir / fmt::format("{}.png", i), encode_png(img));
    labels += fmt::format("{}.png 1\n", i);
  }
  test::write_text(dir / "labels.txt", labels);
}

TEST(AccuracyRun, ResultJsonAndHookOrder) {
  const std::string model = std::string(INFERLAB_SHARED_DATA) + "/mnist/mnist-8/model.onnx";
  if (!fs::exists(model)) GTEST_SKIP() << "shared test data absent: " << model;
  test::TempDir dir("accuracy-run");
  write_ones(dir);
  AccuracyOptions o;
  o.model = model;
  o.dataset = dir.path().string();
  o.preset = "mnist";
  o.engine = Engine::reference;
  o.keep_predictions = true;
  std::vector<std::string> calls;
  AccuracyHooks hooks;
  hooks.checked = [&] { calls.push_back("checked"); };
  hooks.opened = [&](const AccuracySetup& s) {
    calls.push_back("opened");
    EXPECT_GE(s.batch, 1);
    EXPECT_FALSE(s.preprocess.empty());
  };
  hooks.progress = [&](std::size_t, std::size_t, std::size_t) {
    if (calls.back() != "progress") calls.push_back("progress");
  };
  const AccuracyResult r = run_accuracy(o, hooks);
  EXPECT_EQ((std::vector<std::string>{"checked", "opened", "progress"}), calls);
  EXPECT_EQ(r.considered, 6u);
  EXPECT_EQ(r.used, 6u);
  EXPECT_TRUE(r.skipped.empty());
  EXPECT_EQ(r.topk.images, 6);
  EXPECT_EQ(r.predictions.size(), 6u);
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["images"], 6);
  EXPECT_EQ(j["top1"], r.topk.top1_rate());
  EXPECT_EQ(j["engine"], "reference");
  EXPECT_EQ(j["task"], "classification");
  EXPECT_EQ(predictions_json(r)["predictions"].size(), 6u);
}

TEST(AccuracyRun, DetectionOnlyOptionsAreCheckedBeforeTheModelOpens) {
  test::TempDir dir("accuracy-run");
  write_ones(dir);
  AccuracyOptions o;
  o.model = dir / "absent.onnx";  // never opened: the option error comes first
  o.dataset = dir.path().string();
  o.preset = "mnist";
  o.compare = true;
  bool checked = false;
  AccuracyHooks hooks;
  hooks.checked = [&] { checked = true; };
  try {
    run_accuracy(o, hooks);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("apply to --task detection"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(checked);
}

}  // namespace
}  // namespace inferlab::data
