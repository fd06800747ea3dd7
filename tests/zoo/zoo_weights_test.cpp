// Deterministic weights: a pure function of (model, seed); names follow torchvision; batch norm
// statistics are valid; bad names and batches are errors.
#include <cmath>
#include <cstring>

#include "zoo/weights.h"
#include "zoo_test_util.h"

namespace inferlab::zoo {
namespace {

std::vector<float> floats_of(const onnx::TensorProto& t) {
  std::vector<float> v(t.raw_data().size() / sizeof(float));
  std::memcpy(v.data(), t.raw_data().data(), v.size() * sizeof(float));
  return v;
}

const onnx::TensorProto& initializer(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& t : m.graph().initializer())
    if (t.name() == name) return t;
  throw std::runtime_error("no initializer " + name);
}

TEST(ZooWeights, SameSeedGivesIdenticalBytes) {
  const auto a = build_model("mobilenet_v2", {.seed = 5}).SerializeAsString();
  const auto b = build_model("mobilenet_v2", {.seed = 5}).SerializeAsString();
  EXPECT_GT(a.size(), 14'000'000u);
  EXPECT_TRUE(a == b);
}

TEST(ZooWeights, DifferentSeedsGiveDifferentWeights) {
  const auto a = build_model("mobilenet_v2", {.seed = 1});
  const auto b = build_model("mobilenet_v2", {.seed = 2});
  ASSERT_EQ(a.graph().initializer_size(), b.graph().initializer_size());
  int differing = 0, fixed = 0;
  for (int i = 0; i < a.graph().initializer_size(); ++i) {
    const auto& ta = a.graph().initializer(i);
    const auto& tb = b.graph().initializer(i);
    ASSERT_EQ(ta.name(), tb.name());
    if (ta.name().rfind("relu6.", 0) == 0) {  // the Clip bounds are constants
      EXPECT_EQ(ta.raw_data(), tb.raw_data()) << ta.name();
      ++fixed;
    } else {
      EXPECT_NE(ta.raw_data(), tb.raw_data()) << ta.name();
      ++differing;
    }
  }
  EXPECT_EQ(fixed, 2);
  EXPECT_GT(differing, 200);
  // Same structure: the graphs differ in weights (and the doc string naming the seed) only.
  EXPECT_EQ(a.graph().node_size(), b.graph().node_size());
}

// A tensor's values depend on (seed, name) only: batch size does not change any weight.
TEST(ZooWeights, BatchDoesNotChangeWeights) {
  const auto a = build_model("mobilenet_v2", {.batch = 1, .seed = 3});
  const auto b = build_model("mobilenet_v2", {.batch = 4, .seed = 3});
  for (int i = 0; i < a.graph().initializer_size(); ++i)
    EXPECT_EQ(a.graph().initializer(i).raw_data(), b.graph().initializer(i).raw_data());
}

// Pins the generator: a refactor that changes the weights of existing seeds (and so every
// recorded benchmark input) fails here. Values from mt19937_64 + Box-Muller as written.
TEST(ZooWeights, GeneratorIsPinned) {
  WeightRng a(0, "conv1.weight"), b(0, "conv1.weight"), c(1, "conv1.weight"), d(0, "conv2.weight");
  for (int i = 0; i < 8; ++i) {
    const double x = a.normal(0, 1);
    EXPECT_EQ(x, b.normal(0, 1));
    EXPECT_NE(x, c.normal(0, 1));
    EXPECT_NE(x, d.normal(0, 1));
    EXPECT_TRUE(std::isfinite(x));
  }
  WeightRng p(0, "pin");
  EXPECT_DOUBLE_EQ(p.uniform(), 0.17158376095380867);
  EXPECT_DOUBLE_EQ(p.normal(0, 1), -1.196843700157002);
}

TEST(ZooWeights, NormalHasUnitMoments) {
  WeightRng r(42, "moments");
  double sum = 0, sq = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal(0, 1);
    sum += x;
    sq += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sq / n, 1.0, 0.01);
}

TEST(ZooWeights, TorchvisionNamesAndValidBatchNorm) {
  const auto m = build_model("resnet50", {});
  EXPECT_EQ(m.opset_import(0).version(), 13);
  EXPECT_EQ(m.ir_version(), 7);
  // He-normal: std sqrt(2 / fan_in), fan_in of conv1 = 3*7*7.
  const auto w = floats_of(initializer(m, "conv1.weight"));
  ASSERT_EQ(w.size(), 64u * 3 * 7 * 7);
  double sq = 0;
  for (float v : w) sq += double(v) * v;
  EXPECT_NEAR(std::sqrt(sq / w.size()), std::sqrt(2.0 / 147), 0.01);
  int bns = 0;
  for (const auto& n : m.graph().node()) {
    if (n.op_type() != "BatchNormalization") continue;
    ++bns;
    for (float v : floats_of(initializer(m, n.input(4)))) ASSERT_GT(v, 0.0f) << n.name();
    for (float v : floats_of(initializer(m, n.input(1)))) ASSERT_GT(v, 0.0f) << n.name();
  }
  EXPECT_EQ(bns, 53);  // bn1 + 3 per bottleneck x 16 + 4 downsample
  EXPECT_EQ(floats_of(initializer(m, "fc.weight")).size(), 2048u * 1000);
}

TEST(ZooWeights, Ssd300L2NormScaleStartsAt20) {
  const auto m = build_model("ssd300", {});
  const auto s = floats_of(initializer(m, "backbone.scale_weight"));
  ASSERT_EQ(s.size(), 512u);
  for (float v : s) EXPECT_EQ(v, 20.0f);
}

TEST(ZooWeights, UnknownNameAndBadBatchAreErrors) {
  try {
    build_model("resnet51", {});
    FAIL() << "no error for an unknown model";
  } catch (const Error& e) {
    EXPECT_TRUE(test::contains(e.what(), "unknown model 'resnet51'")) << e.what();
    EXPECT_TRUE(test::contains(e.what(), "resnet50, ssd300, mobilenet_v2")) << e.what();
  }
  EXPECT_THROW(build_model("resnet50", {.batch = 0}), Error);
}

TEST(ZooWeights, SaveToUnwritablePathIsAnError) {
  const auto m = build_model("mobilenet_v2", {});
  try {
    save_model(m, "/nonexistent-dir/x.onnx");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(test::contains(e.what(), "/nonexistent-dir/x.onnx")) << e.what();
  }
}

}  // namespace
}  // namespace inferlab::zoo
