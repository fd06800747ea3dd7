// Caffe's SSD layers: PriorBox (a constant computed at import) and DetectionOutput (decoding,
// per-class NMS, keep_top_k), checked on a two-prior net whose results are worked out by hand.
#include <gtest/gtest.h>

#include "formats_util.h"
#include "frontends/caffe/caffe_importer.h"

namespace inferlab::test {
namespace {

// Feature map 1x2 over a 10x20 image: step 10, priors of size 4 centred at (5, 5) and (15, 5):
// (0.15, 0.3, 0.35, 0.7) and (0.65, 0.3, 0.85, 0.7) normalised.
const char* kSsd = R"(
input: "fm" input_shape { dim: 1 dim: 1 dim: 1 dim: 2 }
input: "img" input_shape { dim: 1 dim: 3 dim: 10 dim: 20 }
input: "loc" input_shape { dim: 1 dim: 8 }
input: "conf" input_shape { dim: 1 dim: 4 }
layer { name: "priors" type: "PriorBox" bottom: "fm" bottom: "img" top: "priors"
  prior_box_param { min_size: 4 variance: 0.1 variance: 0.1 variance: 0.2 variance: 0.2 } }
layer { name: "det" type: "DetectionOutput" bottom: "loc" bottom: "conf" bottom: "priors"
  top: "det"
  detection_output_param { num_classes: 2 background_label_id: 0 keep_top_k: 3
    confidence_threshold: 0.01 nms_param { nms_threshold: 0.45 top_k: 10 } code_type: CENTER_SIZE } }
)";

Tensor detect(const std::shared_ptr<Graph>& g, const std::vector<float>& loc,
              Engine engine = Engine::reference) {
  CompileOptions o;
  o.engine = engine;
  o.pin = false;
  CompiledModel cm = Core().compile_model(wrap_graph(g), o);
  InferRequest r = cm.create_infer_request();
  r.set_tensor("fm", Tensor(DType::f32, {1, 1, 1, 2}));
  r.set_tensor("img", Tensor(DType::f32, {1, 3, 10, 20}));
  Tensor l(DType::f32, {1, 8});
  std::copy(loc.begin(), loc.end(), l.data<float>());
  r.set_tensor("loc", l);
  r.set_tensor("conf", filled({1, 4}, {0.1f, 0.9f, 0.2f, 0.8f}));
  r.infer();
  return r.get_tensor("det").clone();
}

TEST(CaffeSsd, PriorBoxAndDetectionOutput) {
  ModelDir d;
  auto g = import_caffe(d.write("ssd.prototxt", kSsd));
  const Tensor y = detect(g, std::vector<float>(8, 0.0f));  // zero regressions: the priors
  ASSERT_EQ(y.shape(), (Shape{1, 1, 3, 7}));
  const float want[2][7] = {{0, 1, 0.9f, 0.15f, 0.3f, 0.35f, 0.7f},
                            {0, 1, 0.8f, 0.65f, 0.3f, 0.85f, 0.7f}};
  for (int r = 0; r < 2; ++r)
    for (int k = 0; k < 7; ++k)
      EXPECT_NEAR(y.data<float>()[r * 7 + k], want[r][k], 1e-5) << "row " << r << " col " << k;
  EXPECT_EQ(y.data<float>()[14], -1) << "unused rows are marked with image -1";

  // Moving the second box onto the first (dx = -0.5 / (0.1 * 0.2)): NMS drops the weaker one.
  const Tensor n = detect(g, {0, 0, 0, 0, -25, 0, 0, 0});
  EXPECT_NEAR(n.data<float>()[2], 0.9f, 1e-6);
  EXPECT_EQ(n.data<float>()[7], -1) << "the overlapping box is suppressed";

  const Tensor fast = detect(g, std::vector<float>(8, 0.0f), Engine::optimized);
  for (std::int64_t i = 0; i < y.numel(); ++i)
    EXPECT_EQ(fast.data<float>()[i], y.data<float>()[i]) << "optimized engine, element " << i;
}

}  // namespace
}  // namespace inferlab::test
