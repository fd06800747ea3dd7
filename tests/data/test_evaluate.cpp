// The evaluation loop with stand-in models: batching and padding, skipped samples with reasons,
// --limit, and VOC mAP end to end on a synthetic VOC tree.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "data/evaluate.h"
#include "synthetic.h"
#include "test_util.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

// Classifies an image by its mean value: class = round(mean * 255 / 20). Counts batch sizes.
struct MeanClassifier {
  int classes = 10;
  std::vector<std::int64_t> batches;
  ModelRunner runner() {
    ModelRunner r;
    r.output_names = {"logits"};
    r.infer = [this](const Tensor& in) {
      const std::int64_t n = in.shape()[0], per = in.numel() / n;
      batches.push_back(n);
      Tensor out(DType::f32, {n, classes});
      for (std::int64_t b = 0; b < n; ++b) {
        double sum = 0;
        for (std::int64_t i = 0; i < per; ++i) sum += in.data<float>()[b * per + i];
        const int c = static_cast<int>(std::lround(sum / per * 255 / 20));
        out.data<float>()[b * classes + std::clamp(c, 0, classes - 1)] = 1;
      }
      return std::vector<Tensor>{out};
    };
    return r;
  }
};

TEST(DataEvaluate, ClassificationSkipsBadSamplesAndKeepsGoing) {
  test::TempDir dir("evalcls");
  std::string labels;
  for (int i = 0; i < 7; ++i) {
    const auto v = static_cast<std::uint8_t>(20 * (i % 5));
    write_file(dir / fmt::format("{}.png", i), encode_png(test::solid(6, 6, v, v, v)));
    // Image 3 is labelled wrongly (a miss); the others correctly.
    labels += fmt::format("{}.png {}\n", i, i == 3 ? 0 : i % 5);
  }
  auto jpeg = encode_jpeg(test::noise(16, 16, 3, 1));
  jpeg.resize(jpeg.size() / 2);
  write_file(dir / "truncated.jpg", jpeg);
  labels += "truncated.jpg 1\nmissing.png 2\n7.png 42\n";
  write_file(dir / "7.png", encode_png(test::solid(6, 6, 0, 0, 0)));
  test::write_text(dir / "labels.txt", labels);

  auto ds = open_dataset(dir.path().string());
  MeanClassifier model;
  const ModelRunner runner = model.runner();
  EvalOptions o;
  o.pre.scale = 1.0f / 255;
  o.pre.width = o.pre.height = 6;
  o.batch = 4;
  o.keep_predictions = true;
  std::size_t progress_calls = 0;
  o.progress = [&](std::size_t done, std::size_t total, std::size_t) {
    ++progress_calls;
    EXPECT_LE(done, total);
  };
  const EvalResult r = evaluate(*ds, runner, o);
  EXPECT_EQ(r.considered, 10u);
  EXPECT_EQ(r.used, 7u);
  EXPECT_EQ(r.topk.top1, 6);
  ASSERT_EQ(r.skipped.size(), 3u);
  const auto reasons = r.skip_reasons();
  EXPECT_EQ(reasons.at("corrupt image"), 1u);
  EXPECT_EQ(reasons.at("missing image"), 1u);
  EXPECT_EQ(reasons.at("label out of range"), 1u);
  EXPECT_EQ(r.skipped[0].name, "truncated.jpg");
  EXPECT_EQ(progress_calls, 10u);
  EXPECT_EQ(r.predictions.size(), 7u);
  // Every call gets the full batch (the short last one padded).
  for (auto b : model.batches) EXPECT_EQ(b, 4);
  EXPECT_EQ(model.batches.size(), 2u);

  o.limit = 2;
  EXPECT_EQ(evaluate(*ds, runner, o).used, 2u);
  // Every 3rd sample: 0.png, 3.png (a miss), 6.png, and 7.png labelled 42 (index 9).
  o.limit = 0;
  o.every = 3;
  const EvalResult third = evaluate(*ds, runner, o);
  EXPECT_EQ(third.considered, 4u);
  EXPECT_EQ(third.used, 3u);
  EXPECT_EQ(third.topk.top1, 2);
  ASSERT_EQ(third.skipped.size(), 1u);
  EXPECT_EQ(third.skipped[0].name, "7.png");
  EXPECT_EQ(third.skipped[0].reason, "label out of range");
}

// Finds the boxes of the class-coded grey levels written by write_voc in the (unnormalised)
// input and reports them as decoded corner boxes: outputs scores [N, 4, 21] and boxes [N, 4, 4].
ModelRunner grey_level_detector(int width, int height) {
  ModelRunner r;
  r.output_names = {"scores", "boxes"};
  r.infer = [width, height](const Tensor& in) {
    const std::int64_t n = in.shape()[0], slots = 4;
    Tensor scores(DType::f32, {n, slots, 21}), boxes(DType::f32, {n, slots, 4});
    for (std::int64_t b = 0; b < n; ++b) {
      const float* img = in.data<float>() + b * 3 * width * height;  // channel 0
      std::int64_t slot = 0;
      for (int cls = 0; cls < 20 && slot < slots; ++cls) {
        const float level = 10.0f * (cls + 1);
        int x1 = width, y1 = height, x2 = -1, y2 = -1;
        for (int y = 0; y < height; ++y)
          for (int x = 0; x < width; ++x)
            if (std::abs(img[y * width + x] - level) <= 4) {
              x1 = std::min(x1, x), y1 = std::min(y1, y), x2 = std::max(x2, x + 1),
              y2 = std::max(y2, y + 1);
            }
        if (x2 < 0) continue;
        scores.data<float>()[(b * slots + slot) * 21 + cls + 1] = 0.9f;
        float* bx = boxes.data<float>() + (b * slots + slot) * 4;
        bx[0] = static_cast<float>(x1) / width;
        bx[1] = static_cast<float>(y1) / height;
        bx[2] = static_cast<float>(x2) / width;
        bx[3] = static_cast<float>(y2) / height;
        ++slot;
      }
    }
    return std::vector<Tensor>{scores, boxes};
  };
  return r;
}

TEST(DataEvaluate, VocMapOnASyntheticTree) {
  test::TempDir dir("evalvoc");
  using test::box;
  // Grey levels: cat 80, dog 120, person 150 (well apart, so JPEG ringing cannot confuse them).
  std::vector<test::VocImage> images = {
      test::voc_image("a", {box("dog", 5, 5, 20, 30), box("cat", 40, 10, 60, 40)}),
      test::voc_image("b", {box("person", 10, 4, 50, 44)}),
      // Detected, but difficult: ignored.
      test::voc_image("c", {box("cat", 3, 3, 30, 30, true), box("dog", 40, 8, 62, 40)}),
      test::voc_image("bad", {box("dog", 30, 5, 10, 30)}),  // malformed box
  };
  test::write_voc(dir / "VOC2007", images);
  auto ds = open_dataset(dir.path().string());
  ASSERT_EQ(ds->size(), 4u);
  EvalOptions o;
  o.task = Task::detection;
  o.pre.resize = ResizeMode::direct;
  o.pre.interpolation = Interpolation::nearest;
  o.pre.width = 32;  // half size: boxes are mapped back to source pixels
  o.pre.height = 24;
  o.det.boxes_decoded = true;
  o.det.scores_softmaxed = true;
  o.det.score_threshold = 0.5f;
  o.batch = 3;
  o.keep_predictions = true;
  const ModelRunner runner = grey_level_detector(32, 24);
  const EvalResult r = evaluate(*ds, runner, o);
  EXPECT_EQ(r.used, 3u);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].reason, "bad annotation");
  EXPECT_EQ(r.voc.positives[11], 2);  // dog
  EXPECT_EQ(r.voc.positives[7], 1);   // cat: the difficult one is not counted
  EXPECT_DOUBLE_EQ(*r.voc.ap12[11], 1.0);
  EXPECT_DOUBLE_EQ(*r.voc.ap07[7], 1.0);
  EXPECT_FALSE(r.voc.ap12[0].has_value());  // aeroplane: no ground truth
  EXPECT_DOUBLE_EQ(r.voc.map07, 1.0);
  EXPECT_DOUBLE_EQ(r.voc.map12, 1.0);
  // Boxes come back in source pixels: the dog in "a" spans x 4..19 (0-based) of 64.
  const auto& first = r.predictions.at(0).at("detections");
  bool found = false;
  for (const auto& d : first)
    if (d.at("class").get<int>() == 11) {
      found = true;
      EXPECT_NEAR(d.at("box")[0].get<float>(), 4, 2.01);
      EXPECT_NEAR(d.at("box")[2].get<float>(), 20, 2.01);
    }
  EXPECT_TRUE(found);

  // A detector that misses the person and duplicates nothing: person AP 0, mean 2/3.
  ModelRunner blind = runner;
  blind.infer = [&runner](const Tensor& in) {
    auto outs = runner.infer(in);
    float* s = outs[0].data<float>();
    for (std::int64_t i = 0; i < outs[0].numel(); i += 21) s[i + 15] = 0;  // person = 14 + 1
    return outs;
  };
  const EvalResult r2 = evaluate(*ds, blind, o);
  EXPECT_DOUBLE_EQ(*r2.voc.ap12[14], 0.0);
  EXPECT_NEAR(r2.voc.map12, 2.0 / 3, 1e-9);
}

TEST(DataEvaluate, RejectsMismatchedTasks) {
  test::TempDir dir("evalplain");
  write_file(dir / "a.png", encode_png(test::solid(4, 4, 0, 0, 0)));
  auto ds = open_dataset(dir.path().string());
  MeanClassifier model;
  EvalOptions o;
  o.pre.width = o.pre.height = 4;
  EXPECT_THROW(evaluate(*ds, model.runner(), o), Error);  // no labels
}

}  // namespace
}  // namespace inferlab::data
