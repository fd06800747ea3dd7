// Post-training quantization on the real models of ../shared/data (skipped where absent):
// resnet20 on CIFAR-10 keeps its accuracy, ultraface int8 detections agree with FP32. The QDQ
// model goes through the ONNX file, so the file is what is checked. Subsets keep the default run
// short; INFERLAB_ACCEPTANCE=1 evaluates all 10,000 CIFAR images.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/backend_runner.h"
#include "data/calibration.h"
#include "frontends/model_file.h"
#include "inferlab/lab/agreement.h"
#include "quant/qdq_onnx.h"
#include "support/shared_data.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;
using ::inferlab::test::full_run;
using ::inferlab::test::kShared;

// Quantizes `model` calibrated on `samples` images of `dataset`, writes the QDQ file and
// returns its path.
std::string quantize_file(const std::string& model, const std::string& dataset,
                          const std::string& pre, std::size_t samples, const std::string& out,
                          CalibrationSet* used = nullptr) {
  const auto g = read_model_file(model);
  const Value& in = g->value(g->inputs[0]);
  auto cal = load_calibration(dataset, preset(pre), {in.name, in.dtype, in.shape}, samples);
  const auto r = quant::quantize(*g, cal.inputs, quant::QuantizeOptions{});
  const std::string path = (fs::temp_directory_path() / out).string();
  quant::write_qdq_onnx(model, r.plan, path, quant::ranks_of(*g, cal.inputs[0].shape()));
  if (used) *used = std::move(cal);
  return path;
}

TEST(DataSharedSlow, Resnet20Int8KeepsCifarAccuracy) {
  REQUIRE_SHARED("cifar10/resnet20_cifar10.onnx");
  const std::string dataset = kShared + "/cifar10/test";
  CalibrationSet cal;
  const std::string q = quantize_file(kShared + "/cifar10/resnet20_cifar10.onnx", dataset,
                                      "cifar10", 300, "resnet20_int8.onnx", &cal);
  EXPECT_EQ(cal.inputs.size(), 300u);
  auto m = bench::open_native_runner(q, Engine::optimized, 16);
  EvalOptions o;
  o.pre = preset("cifar10");
  fit_preprocess_to_input(o.pre, m->input);
  o.batch = m->batch;
  o.keep_predictions = true;
  o.every = full_run() ? 1 : 50;
  const auto r = evaluate(*open_dataset(dataset), m->runner, o);
  if (o.every == 1) {
    EXPECT_EQ(r.used, 10000u);
    EXPECT_GE(r.topk.top1_rate(), 0.8103 - 0.005);  // FP32: 81.03%
    // The 9,700 images not used for calibration.
    std::set<std::string> calib(cal.names.begin(), cal.names.end());
    std::size_t n = 0, right = 0;
    for (const auto& p : r.predictions) {
      if (calib.count(p.at("image").get<std::string>())) continue;
      ++n;
      right += p.at("top5").at(0) == p.at("label");
    }
    EXPECT_EQ(n, 9700u);
    EXPECT_GE(static_cast<double>(right) / static_cast<double>(n), 0.8103 - 0.005);
  } else {
    EXPECT_EQ(r.used, 200u);
    EXPECT_GE(r.topk.top1_rate(), 0.7);  // loose: a 200-image sample of an 81% model
  }
}

TEST(DataSharedSlow, UltrafaceInt8DetectionsAgreeWithFp32) {
  REQUIRE_SHARED("ultraface/version-RFB-320_without_postprocessing.onnx");
  const std::string model = kShared + "/ultraface/version-RFB-320_without_postprocessing.onnx";
  const std::string imgs = kShared + "/ultraface/imgs";
  const std::string q = quantize_file(model, imgs, "ultraface", 300, "ultraface_int8.onnx");
  auto f32 = bench::open_native_runner(model, Engine::optimized, 1);
  auto i8 = bench::open_native_runner(q, Engine::optimized, 1);
  const auto ds = open_dataset(imgs);
  EvalOptions o;
  o.task = Task::detection;
  o.pre = preset("ultraface");
  fit_preprocess_to_input(o.pre, f32->input);
  o.keep_predictions = true;
  o.det = detection_preset("ultraface");
  const auto a = evaluate(*ds, f32->runner, o);
  const auto b = evaluate(*ds, i8->runner, o);
  // Matched: IoU >= 0.5 and scores within 0.05; a box whose score lies within 0.05 of the
  // threshold may legitimately appear in one run only.
  AgreementOptions ao;
  ao.min_iou = 0.5;
  ao.max_score_diff = 0.05;
  ao.score_threshold = o.det.score_threshold;
  ao.score_margin = 0.05;
  const auto agr = compare_detections(a.predictions, b.predictions, ao);
  const double rate =
      static_cast<double>(agr.matched) / static_cast<double>(agr.matched + agr.unmatched);
  std::printf("ultraface int8 vs fp32: %zu matched, %zu unmatched, %zu borderline (%.2f%%)\n",
              agr.matched, agr.unmatched, agr.borderline, 100 * rate);
  EXPECT_GT(agr.matched, 100u);
  EXPECT_GE(rate, 0.95);
  EXPECT_LE(agr.worst_score_diff, 0.05);
}

}  // namespace
}  // namespace inferlab::data
