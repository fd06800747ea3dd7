// The zoo models run: finite logits that are not all equal (the weight initialisation keeps
// activations in range through the depth). MobileNetV2 and ResNet-50 run on the reference
// engine (about 0.4 s and 3 s here); SSD300 takes about 30 s there, so it runs on the optimized
// engine in this test and on the reference engine only in the CLI smoke test with
// INFERLAB_ACCEPTANCE=1.
#include <cmath>

#include "inferlab/inferlab.h"
#include "runtime/model_graph.h"
#include "zoo_test_util.h"

namespace inferlab::zoo {
namespace {

Tensor pseudo_random_input(const Shape& shape) {
  Tensor x(DType::f32, shape);
  float* p = x.data<float>();
  for (std::int64_t i = 0; i < x.numel(); ++i)
    p[i] = static_cast<float>((i * 2654435761u) % 1000) / 500.0f - 1.0f;
  return x;
}

std::map<std::string, Tensor> run(const std::string& name, const std::string& engine) {
  CompileOptions o;
  o.engine = parse_engine(engine);
  CompiledModel cm = Core().compile_model(wrap_graph(test::zoo_graph(name)), o);
  InferRequest req = cm.create_infer_request();
  req.set_tensor("input", pseudo_random_input(cm.inputs().at(0).shape));
  req.infer();
  std::map<std::string, Tensor> out;
  for (const auto& p : cm.outputs()) out[p.name] = req.get_tensor(p.name).clone();
  return out;
}

// Finite, bounded, and spread out: a dead or exploding network fails one of these.
void expect_sane(const Tensor& t, const std::string& what) {
  const float* p = t.data<float>();
  double sum = 0, sq = 0, max_abs = 0;
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    ASSERT_TRUE(std::isfinite(p[i])) << what << " element " << i;
    sum += p[i];
    sq += double(p[i]) * p[i];
    max_abs = std::max(max_abs, std::abs(double(p[i])));
  }
  const double mean = sum / t.numel();
  const double std = std::sqrt(std::max(0.0, sq / t.numel() - mean * mean));
  EXPECT_GT(std, 0.1) << what;
  EXPECT_LT(max_abs, 1000.0) << what;
}

TEST(ZooRun, MobileNetV2OnReferenceEngine) {
  const auto out = run("mobilenet_v2", "reference");
  const Tensor& logits = out.at("logits");
  EXPECT_EQ(logits.shape(), (Shape{1, 1000}));
  expect_sane(logits, "mobilenet_v2 logits");
}

TEST(ZooRun, ResNet50OnReferenceEngine) {
  const auto out = run("resnet50", "reference");
  const Tensor& logits = out.at("logits");
  EXPECT_EQ(logits.shape(), (Shape{1, 1000}));
  expect_sane(logits, "resnet50 logits");
}

TEST(ZooRun, Ssd300OnOptimizedEngine) {
  const auto out = run("ssd300", "optimized");
  EXPECT_EQ(out.at("boxes").shape(), (Shape{1, 8732, 4}));
  EXPECT_EQ(out.at("scores").shape(), (Shape{1, 8732, 21}));
  expect_sane(out.at("boxes"), "ssd300 boxes");
  expect_sane(out.at("scores"), "ssd300 scores");
}

// The two engines agree on a zoo model (a cheap cross-check of the BatchNormalization folding
// and Clip fusion the optimized engine does on exactly these patterns).
TEST(ZooRun, MobileNetV2EnginesAgree) {
  const Tensor ref = run("mobilenet_v2", "reference").at("logits");
  const Tensor opt = run("mobilenet_v2", "optimized").at("logits");
  ASSERT_EQ(ref.shape(), opt.shape());
  for (std::int64_t i = 0; i < ref.numel(); ++i)
    ASSERT_NEAR(ref.data<float>()[i], opt.data<float>()[i], 1e-3) << "logit " << i;
}

}  // namespace
}  // namespace inferlab::zoo
