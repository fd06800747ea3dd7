// Accuracy on the real models and data of ../shared/data (skipped with a message where it is
// absent, or where the engine does not run a model yet). Subsets keep the default run short; set
// INFERLAB_ACCEPTANCE=1 for the full acceptance figures (10,000 MNIST / CIFAR-10 images).
// INFERLAB_ACCURACY_ENGINE picks the engine (default: optimized).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "bench/backend_runner.h"
#include "inferlab/lab/agreement.h"
#include "support/shared_data.h"

namespace inferlab::data {
namespace {

namespace fs = std::filesystem;

using ::inferlab::test::full_run;
using ::inferlab::test::kShared;

Engine engine() {
  const char* e = std::getenv("INFERLAB_ACCURACY_ENGINE");
  return parse_engine(e && *e ? e : "optimized");
}

// Compiles the model, or skips the test when the engine does not support it yet.
#define OPEN_OR_SKIP(var, path, batch)                                               \
  std::unique_ptr<bench::BackendRunner> var;                                         \
  try {                                                                              \
    var = bench::open_native_runner(path, engine(), batch);                          \
  } catch (const Unsupported& e) {                                                   \
    GTEST_SKIP() << "engine '" << engine_name(engine()) << "' cannot run " << (path) \
                 << " yet: " << e.what();                                            \
  }

EvalResult classify(const std::string& model, const std::string& dataset, const std::string& pre,
                    std::size_t limit, bench::BackendRunner& m, std::size_t every = 1) {
  EvalOptions o;
  o.every = every;
  o.pre = preset(pre);
  fit_preprocess_to_input(o.pre, m.input);
  o.batch = m.batch;
  o.limit = limit;
  return evaluate(*open_dataset(dataset), m.runner, o);
}

TEST(DataSharedSlow, MnistTop1) {
  REQUIRE_SHARED("mnist/mnist-8/model.onnx");
  OPEN_OR_SKIP(m, kShared + "/mnist/mnist-8/model.onnx", 1);
  const std::size_t limit = full_run() ? 0 : 2000;
  const auto r = classify("mnist-8", kShared + "/mnist", "mnist", limit, *m);
  EXPECT_TRUE(r.skipped.empty());
  if (limit == 0) {
    EXPECT_EQ(r.used, 10000u);
    EXPECT_NEAR(r.topk.top1_rate(), 0.9891, 0.0005);  // ONNX Runtime's figure
  } else {
    EXPECT_EQ(r.used, limit);
    EXPECT_GE(r.topk.top1_rate(), 0.98);
  }
}

TEST(DataSharedSlow, Cifar10Resnet20Top1) {
  REQUIRE_SHARED("cifar10/resnet20_cifar10.onnx");
  OPEN_OR_SKIP(m, kShared + "/cifar10/resnet20_cifar10.onnx", 16);
  // Default: every 50th image (200, 20 per class); full run: all 10,000.
  const std::size_t every = full_run() ? 1 : 50;
  const auto r = classify("resnet20", kShared + "/cifar10/test", "cifar10", 0, *m, every);
  EXPECT_TRUE(r.skipped.empty());
  if (every == 1) {
    EXPECT_EQ(r.used, 10000u);
    EXPECT_NEAR(r.topk.top1_rate(), 0.8103, 0.003);  // PyTorch + PIL figure
  } else {
    EXPECT_EQ(r.used, 200u);
    EXPECT_GE(r.topk.top1_rate(), 0.7);  // loose: a 200-image sample of an 81% model
  }
}

TEST(DataSharedSlow, MnistConvIntegerTop1) {
  REQUIRE_SHARED("mnist/mnist-8-convinteger.onnx");
  OPEN_OR_SKIP(m, kShared + "/mnist/mnist-8-convinteger.onnx", 1);
  const std::size_t limit = full_run() ? 0 : 2000;
  const auto r = classify("mnist-8-convinteger", kShared + "/mnist", "mnist", limit, *m);
  if (limit == 0)
    EXPECT_NEAR(r.topk.top1_rate(), 0.8813, 0.0005);  // ONNX Runtime's figure
  else
    EXPECT_GE(r.topk.top1_rate(), 0.8);
}

TEST(DataSharedSlow, ImagenetShufflenetInt8) {
  REQUIRE_SHARED("imagenet/shufflenet-v2-12-int8/shufflenet-v2-12-int8.onnx");
  OPEN_OR_SKIP(m, kShared + "/imagenet/shufflenet-v2-12-int8/shufflenet-v2-12-int8.onnx", 1);
  const auto r = classify("shufflenet-int8", kShared + "/imagenet", "imagenet", 0, *m);
  EXPECT_EQ(r.used, 200u);
  // ONNX Runtime 1.30 through this pipeline: 84.0% / 98.0%, and the reference engine's scores
  // are identical to it on every image (docs/quantization.md). The input tensors equal
  // torchvision + PIL 9.4's on all 200 images, and ONNX Runtime on those gives the same scores
  // (docs/accuracy.md). The data README's 85.5% is not reproduced: 3 images tie exactly at the
  // best score, 2 of them with the label, which argmax's lower-index rule ranks second (85.0% if
  // those ties went the other way). Within one image, for int8 kernels that round differently.
  EXPECT_NEAR(r.topk.top1_rate(), 0.84, 0.005);
  EXPECT_NEAR(r.topk.top1_rate_ties_won(), 0.85, 0.005);
  EXPECT_NEAR(r.topk.top5_rate(), 0.98, 0.005);
}

TEST(DataSharedSlow, UltrafaceDecodingAgreesWithTheGraphs) {
  REQUIRE_SHARED("ultraface/version-RFB-320_without_postprocessing.onnx");
  OPEN_OR_SKIP(raw, kShared + "/ultraface/version-RFB-320_without_postprocessing.onnx", 1);
  OPEN_OR_SKIP(dec, kShared + "/ultraface/version-RFB-320.onnx", 1);
  auto ds = open_dataset(kShared + "/ultraface/imgs");
  EvalOptions o;
  o.task = Task::detection;
  o.pre = preset("ultraface");
  fit_preprocess_to_input(o.pre, raw->input);
  o.keep_predictions = true;
  o.det = detection_preset("ultraface");
  const auto a = evaluate(*ds, raw->runner, o);
  o.det = detection_preset("ultraface-decoded");
  const auto b = evaluate(*ds, dec->runner, o);
  EXPECT_EQ(a.used, ds->size());
  EXPECT_GE(a.used, 22u);
  AgreementOptions ao;
  ao.score_threshold = o.det.score_threshold;
  const auto agreement = compare_detections(a.predictions, b.predictions, ao);
  for (const auto& p : agreement.problems) ADD_FAILURE() << p;
  EXPECT_TRUE(agreement.agree());
  EXPECT_GT(agreement.matched, 100u);  // these photos hold hundreds of faces
  EXPECT_GT(agreement.worst_iou, 0.99);
}

}  // namespace
}  // namespace inferlab::data
