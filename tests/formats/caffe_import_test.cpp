// Caffe import: layer conversions checked on small hand-written nets with known results, both
// layer formats, weights from a .caffemodel, and every kind of bad input.
#include <gtest/gtest.h>

#include <cmath>

#include "formats_util.h"
#include "frontends/caffe/caffe.pb.h"
#include "frontends/caffe/caffe_importer.h"
#include "frontends/model_file.h"

namespace inferlab::test {
namespace {

// Conv 1x1 (weight 2, bias 1), then Eltwise SUM with coefficients (1, -1) against the input:
// y = (2x + 1) - x = x + 1. The blobs are inline, so no weights file is needed.
const char* kConvEltwise = R"(
name: "tiny"
layer { name: "in" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 2 dim: 2 } } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
  convolution_param { num_output: 1 kernel_size: 1 }
  blobs { shape { dim: 1 dim: 1 dim: 1 dim: 1 } data: 2 }
  blobs { shape { dim: 1 } data: 1 } }
layer { name: "sum" type: "Eltwise" bottom: "conv" bottom: "data" top: "sum"
  eltwise_param { operation: SUM coeff: 1 coeff: -1 } }
)";

TEST(CaffeImport, ConvAndEltwiseWithCoefficients) {
  ModelDir d;
  auto g = import_caffe(d.write("tiny.prototxt", kConvEltwise));
  ASSERT_EQ(g->outputs.size(), 1u);
  EXPECT_EQ(g->outputs[0], "sum");
  const Tensor y = run_once(g, filled({1, 1, 2, 2}, {1, 2, 3, -4}));
  EXPECT_FLOAT_EQ(y.data<float>()[0], 2);
  EXPECT_FLOAT_EQ(y.data<float>()[3], -3);
}

// Caffe rounds pooled sizes up: 3x3 with kernel 2 stride 2 gives 2x2 (floor would give 1x1).
TEST(CaffeImport, PoolingRoundsUpLikeCaffe) {
  ModelDir d;
  auto g = import_caffe(d.write("pool.prototxt", R"(
input: "data" input_dim: 1 input_dim: 1 input_dim: 3 input_dim: 3
layers { name: "pool" type: POOLING bottom: "data" top: "pool"
  pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layers { name: "ave" type: POOLING bottom: "data" top: "ave"
  pooling_param { pool: AVE kernel_size: 2 stride: 2 } }
)"));
  ASSERT_EQ(g->outputs.size(), 2u);
  const Tensor x = filled({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  const Tensor mx = run_once(g, x, Engine::reference, 0);
  EXPECT_EQ(mx.shape(), (Shape{1, 1, 2, 2}));
  EXPECT_FLOAT_EQ(mx.data<float>()[0], 5);
  EXPECT_FLOAT_EQ(mx.data<float>()[3], 9);
  const Tensor av = run_once(g, x, Engine::reference, 1);
  // The last window overhangs the input: Caffe averages only what lies inside (9 / 1).
  EXPECT_FLOAT_EQ(av.data<float>()[3], 9);
  EXPECT_FLOAT_EQ(av.data<float>()[0], 3);
}

// BatchNorm (running sums and their factor) and an in-place Scale fold into one
// BatchNormalization node.
TEST(CaffeImport, BatchNormAndScaleFoldIntoOneNode) {
  ModelDir d;
  auto g = import_caffe(d.write("bn.prototxt", R"(
layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 1 dim: 2 dim: 1 dim: 1 } } }
layer { name: "bn" type: "BatchNorm" bottom: "x" top: "x" batch_norm_param { eps: 0 }
  blobs { shape { dim: 2 } data: 2 data: 4 }
  blobs { shape { dim: 2 } data: 8 data: 2 }
  blobs { shape { dim: 1 } data: 2 } }
layer { name: "sc" type: "Scale" bottom: "x" top: "x" scale_param { bias_term: true }
  blobs { shape { dim: 2 } data: 3 data: 1 }
  blobs { shape { dim: 2 } data: 1 data: 0 } }
)"));
  ASSERT_EQ(g->nodes.size(), 1u);
  EXPECT_EQ(g->nodes[0].op_type, "BatchNormalization");
  // mean (1, 2), variance (4, 1): y0 = (5 - 1) / 2 * 3 + 1 = 7, y1 = (5 - 2) / 1 * 1 + 0 = 3.
  const Tensor y = run_once(g, filled({1, 2, 1, 1}, {5, 5}));
  EXPECT_NEAR(y.data<float>()[0], 7, 1e-5);
  EXPECT_NEAR(y.data<float>()[1], 3, 1e-5);
}

// InnerProduct + in-place ReLU + Softmax in the V1 format, weights from a .caffemodel.
TEST(CaffeImport, V1NetWithCaffemodelWeights) {
  ModelDir d;
  const std::string proto = d.write("net.prototxt", R"(
input: "data" input_dim: 1 input_dim: 2 input_dim: 1 input_dim: 1
layers { name: "ip" type: INNER_PRODUCT bottom: "data" top: "ip" blobs_lr: 1
  inner_product_param { num_output: 2 weight_filler { type: "xavier" } } }
layers { name: "relu" type: RELU bottom: "ip" top: "ip" }
layers { name: "prob" type: SOFTMAX bottom: "ip" top: "prob" }
)");
  caffe::NetParameter w;
  auto* ip = w.add_layers();
  ip->set_name("ip");
  auto* wb = ip->add_blobs();
  wb->set_num(1), wb->set_channels(1), wb->set_height(2), wb->set_width(2);
  for (float v : {1.f, 0.f, 0.f, -1.f}) wb->add_data(v);
  auto* bb = ip->add_blobs();
  for (float v : {0.f, 0.f}) bb->add_data(v);
  std::string bytes;
  ASSERT_TRUE(w.SerializeToString(&bytes));
  d.write("net.caffemodel", bytes);  // found beside the prototxt
  auto g = read_model_file(proto);
  const Tensor y = run_once(g, filled({1, 2, 1, 1}, {1, 3}));
  // ip = (1, -3) -> relu (1, 0) -> softmax
  EXPECT_NEAR(y.data<float>()[0], std::exp(1.f) / (std::exp(1.f) + 1), 1e-6);

  // Truncated weights: one clear error naming the file.
  const std::string cut = d.write("cut.caffemodel", bytes.substr(0, bytes.size() - 5));
  try {
    import_caffe(proto, cut);
    FAIL() << "truncated caffemodel accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cut.caffemodel"), std::string::npos) << e.what();
  }
  // A blob of the wrong size names the layer and both sizes.
  wb->add_data(5);
  ASSERT_TRUE(w.SerializeToString(&bytes));
  const std::string big = d.write("big.caffemodel", bytes);
  try {
    import_caffe(proto, big);
    FAIL() << "blob size mismatch accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'ip'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("has 5 values, the layer needs 4"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(import_caffe(proto, d.file("absent.caffemodel")), Error);
}

TEST(CaffeImport, SyntaxErrorGivesLineAndColumn) {
  ModelDir d;
  const std::string p = d.write("bad.prototxt", "name: \"x\"\nlayer {\n  name: \"a\" type: }\n");
  try {
    import_caffe(p);
    FAIL() << "syntax error accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3, column"), std::string::npos) << e.what();
  }
}

TEST(CaffeImport, UnsupportedTypesAreListedAtOnce) {
  ModelDir d;
  const std::string p = d.write("u.prototxt", R"(
input: "data" input_dim: 1 input_dim: 1 input_dim: 2 input_dim: 2
layer { name: "a1" type: "Frobnicate" bottom: "data" top: "a1" }
layer { name: "a2" type: "Frobnicate" bottom: "a1" top: "a2" }
layer { name: "b1" type: "Gizmo" bottom: "a2" top: "b1" }
)");
  try {
    import_caffe(p);
    FAIL() << "unknown layers accepted";
  } catch (const Unsupported& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Frobnicate (first layer 'a1')"), std::string::npos) << m;
    EXPECT_NE(m.find("Gizmo (first layer 'b1')"), std::string::npos) << m;
  }
}

TEST(CaffeImport, GiantInputShapeIsAnError) {
  ModelDir d;
  const std::string p = d.write("giant.prototxt", R"(
input: "data" input_dim: 100000 input_dim: 100000 input_dim: 100000 input_dim: 100000
layer { name: "r" type: "ReLU" bottom: "data" top: "r" }
)");
  EXPECT_THROW(import_caffe(p), Error);
}

TEST(CaffeImport, MissingWeightsFileIsAnError) {
  ModelDir d;
  const std::string p = d.write("noweights.prototxt", R"(
input: "data" input_dim: 1 input_dim: 1 input_dim: 2 input_dim: 2
layer { name: "c" type: "Convolution" bottom: "data" top: "c"
  convolution_param { num_output: 1 kernel_size: 1 } }
)");
  try {
    import_caffe(p);
    FAIL() << "missing weights accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--weights"), std::string::npos) << e.what();
  }
}

// LRN across channels against the formula, computed here channel by channel.
TEST(CaffeImport, LrnAcrossChannelsMatchesFormula) {
  ModelDir d;
  auto g = import_caffe(d.write("lrn.prototxt", R"(
input: "data" input_dim: 1 input_dim: 4 input_dim: 1 input_dim: 1
layer { name: "norm" type: "LRN" bottom: "data" top: "norm"
  lrn_param { local_size: 3 alpha: 0.5 beta: 0.75 k: 2 } }
)"));
  const float x[4] = {1, -2, 3, 0.5f};
  const Tensor in = filled({1, 4, 1, 1}, {x[0], x[1], x[2], x[3]});
  const Tensor y = run_once(g, in);
  const Tensor fast = run_once(g, in, Engine::optimized);
  for (int c = 0; c < 4; ++c) {
    EXPECT_NEAR(fast.data<float>()[c], y.data<float>()[c], 1e-6) << "optimized, channel " << c;
    float sum = 0;
    for (int j = c - 1; j <= c + 1; ++j)
      if (j >= 0 && j < 4) sum += x[j] * x[j];
    const float want = x[c] / std::pow(2.0f + 0.5f / 3 * sum, 0.75f);
    EXPECT_NEAR(y.data<float>()[c], want, 1e-5) << "channel " << c;
  }
}

}  // namespace
}  // namespace inferlab::test
