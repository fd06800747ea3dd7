// Post-training quantization on a tiny residual CNN built with the zoo's ModelBuilder, calibrated
// on deterministic random inputs: the plan (types, per-channel weights), the QDQ graph's error,
// the ONNX file (same results as the in-memory graph), --keep-fp32 and the error target.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "frontends/model_file.h"
#include "inferlab/inferlab.h"
#include "quant/qdq_onnx.h"
#include "quant/quantize.h"
#include "runtime/model_graph.h"
#include "zoo/model_builder.h"
#include "zoo/zoo.h"

using namespace inferlab;
namespace fs = std::filesystem;

namespace {

// x -> conv1 -> relu1 -> conv2 -> (+ relu1) -> relu2 -> GAP -> Flatten -> Gemm "logits".
std::string tiny_model(const std::string& name, std::int64_t batch = 1) {
  zoo::ModelBuilder b("tiny", 7);
  b.add_input("x", {batch, 3, 8, 8});
  const auto c1 = b.conv("x", "conv1", {3, 8, 3, 1, 1, 1, 1, true});
  const auto r1 = b.relu(c1, "relu1");
  const auto c2 = b.conv(r1, "conv2", {8, 8, 3, 1, 1, 1, 1, true});
  const auto s = b.add(c2, r1, "add");
  const auto r2 = b.relu(s, "relu2");
  b.classifier(r2, "fc", 8, 4, "logits");
  b.add_output("logits", {batch, 4});
  // Named per process: test trees built side by side may run at once.
  const std::string path =
      (fs::temp_directory_path() / (std::to_string(getpid()) + "_" + name)).string();
  zoo::save_model(b.finish("quantize test"), path);
  return path;
}

std::vector<Tensor> inputs(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::vector<Tensor> v;
  for (int i = 0; i < n; ++i) {
    Tensor t(DType::f32, {1, 3, 8, 8});
    for (std::int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] = d(rng);
    v.push_back(t);
  }
  return v;
}

std::vector<float> run(const std::shared_ptr<const Graph>& g, const Tensor& x) {
  CompileOptions co;
  co.engine = Engine::reference;
  co.streams = 1;
  co.pin = false;
  auto cm = Core().compile_model(wrap_graph(g), co);
  auto req = cm.create_infer_request();
  req.set_tensor("x", x);
  req.infer();
  const Tensor y = req.get_tensor("logits");
  return std::vector<float>(y.data<float>(), y.data<float>() + y.numel());
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

quant::QuantizeOptions reference_options() {
  quant::QuantizeOptions o;
  o.engine = Engine::reference;
  return o;
}

}  // namespace

TEST(Quantize, PlanQuantizesEveryLayerWithTheRightTypes) {
  const auto g = read_model_file(tiny_model("q_plan.onnx"));
  const auto r = quant::quantize(*g, inputs(16, 1), reference_options());
  ASSERT_EQ(r.layers.size(), 3u);  // conv1, conv2, the classifier Gemm
  for (const auto& l : r.layers) EXPECT_TRUE(l.quantized) << l.node;
  std::map<std::string, DType> types;
  for (const auto& a : r.plan.activations) types[a.tensor] = a.type;
  EXPECT_EQ(types.at("x"), DType::i8);      // the input has negative values
  EXPECT_EQ(types.at("relu1"), DType::u8);  // after a Relu: uint8, zero point 0
  EXPECT_EQ(types.at("conv2"), DType::i8);  // a conv output feeding the residual Add
  ASSERT_EQ(r.plan.weights.size(), 3u);
  EXPECT_EQ(r.plan.weights[0].scale.size(), 8u);  // one scale per output channel
  EXPECT_EQ(r.plan.weights[0].bias_q.dtype(), DType::i32);
  EXPECT_GT(r.output_error, 0.0);   // quantization changes the outputs ...
  EXPECT_LT(r.output_error, 0.05);  // ... by a few percent at most
}

TEST(Quantize, OnnxFileComputesWhatTheInMemoryGraphDoes) {
  const std::string src = tiny_model("q_file.onnx");
  const auto g = read_model_file(src);
  const auto calib = inputs(16, 2);
  const auto r = quant::quantize(*g, calib, reference_options());
  const std::string out =
      (fs::temp_directory_path() / (std::to_string(getpid()) + "_q_file_int8.onnx")).string();
  quant::write_qdq_onnx(src, r.plan, out, nullptr);
  const auto qg = read_model_file(out);
  int q = 0, dq = 0;
  for (const auto& n : qg->nodes) {
    q += n.op_type == "QuantizeLinear";
    dq += n.op_type == "DequantizeLinear";
    EXPECT_TRUE(n.domain.empty()) << n.name << ": standard ONNX only";
  }
  EXPECT_EQ(q, static_cast<int>(r.plan.activations.size()));
  EXPECT_EQ(dq, q + 6);  // plus three weights and three biases
  const auto test = inputs(3, 99);
  for (const auto& x : test) {
    const auto a = run(r.graph, x), b = run(qg, x);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a[i], b[i]);
  }
}

TEST(Quantize, KeepFp32LeavesTheLayerAndRejectsUnknownNames) {
  const auto g = read_model_file(tiny_model("q_keep.onnx"));
  auto o = reference_options();
  o.keep_fp32 = {"conv2"};
  const auto r = quant::quantize(*g, inputs(8, 3), o);
  for (const auto& w : r.plan.weights) EXPECT_NE(w.node, "conv2");
  EXPECT_EQ(r.kept_fp32, std::vector<std::string>{"conv2"});
  o.keep_fp32 = {"nonexistent"};
  EXPECT_NE(
      error_of([&] { quant::quantize(*g, inputs(2, 3), o); }).find("no node named 'nonexistent'"),
      std::string::npos);
  o.keep_fp32 = {"relu1"};
  EXPECT_NE(error_of([&] { quant::quantize(*g, inputs(2, 3), o); }).find("not a quantizable layer"),
            std::string::npos);
  o.keep_fp32 = {};
  EXPECT_NE(error_of([&] { quant::quantize(*g, {}, o); }).find("calibration"), std::string::npos);
}

TEST(Quantize, ErrorTargetKeepsLayersUntilMetOrCapped) {
  const auto g = read_model_file(tiny_model("q_auto.onnx"));
  const auto calib = inputs(8, 4);
  const auto base = quant::quantize(*g, calib, reference_options());
  auto o = reference_options();
  o.error_target = base.output_error / 2;
  o.max_auto_kept = 3;
  const auto r = quant::quantize(*g, calib, o);
  ASSERT_FALSE(r.auto_kept.empty());
  EXPECT_TRUE(r.output_error <= o.error_target || r.auto_kept.size() == 3u);
  EXPECT_LT(r.output_error, base.output_error);
}

TEST(Quantize, ClippingMethodsNeverWidenTheRange) {
  const auto g = read_model_file(tiny_model("q_methods.onnx"));
  const auto calib = inputs(8, 5);
  const auto mm = quant::quantize(*g, calib, reference_options());
  for (auto m : {quant::CalibrationMethod::percentile, quant::CalibrationMethod::entropy}) {
    auto o = reference_options();
    o.method = m;
    const auto r = quant::quantize(*g, calib, o);
    ASSERT_EQ(r.plan.activations.size(), mm.plan.activations.size());
    for (std::size_t i = 0; i < mm.plan.activations.size(); ++i) {
      EXPECT_LE(r.plan.activations[i].threshold, mm.plan.activations[i].threshold * 1.0001f);
      EXPECT_GT(r.plan.activations[i].threshold, 0.f);
    }
  }
}

TEST(Quantize, WriteFailureLeavesNoFile) {
  const std::string src = tiny_model("q_fail.onnx");
  const auto g = read_model_file(src);
  const auto r = quant::quantize(*g, inputs(2, 6), reference_options());
  const std::string out = "/nonexistent-dir/q.onnx";
  EXPECT_NE(error_of([&] { quant::write_qdq_onnx(src, r.plan, out, nullptr); }).find(out),
            std::string::npos);
  EXPECT_FALSE(fs::exists(out));
}

// x -> conv1 (no bias) -> bn1 -> relu1 -> conv2 -> bn2 -> (+ relu1) -> relu2 -> classifier.
TEST(Quantize, BatchNormIsFoldedBeforeQdqInGraphAndFile) {
  zoo::ModelBuilder b("tiny_bn", 11);
  b.add_input("x", {1, 3, 8, 8});
  const auto c1 = b.conv("x", "conv1", {3, 8, 3, 1, 1, 1, 1, false});
  const auto r1 = b.relu(b.batchnorm(c1, "bn1", 8), "relu1");
  const auto c2 = b.conv(r1, "conv2", {8, 8, 3, 1, 1, 1, 1, true});
  const auto r2 = b.relu(b.add(b.batchnorm(c2, "bn2", 8), r1, "add"), "relu2");
  b.classifier(r2, "fc", 8, 4, "logits");
  b.add_output("logits", {1, 4});
  const std::string src =
      (fs::temp_directory_path() / (std::to_string(getpid()) + "_q_bn.onnx")).string();
  zoo::save_model(b.finish("bn fold test"), src);
  const auto g = read_model_file(src);
  const auto r = quant::quantize(*g, inputs(16, 5), reference_options());
  ASSERT_EQ(r.plan.weights.size(), 3u);
  EXPECT_FALSE(r.plan.weights[0].unfolded_output.empty());  // conv1 took over bn1's output
  EXPECT_FALSE(r.plan.weights[1].bias.empty());             // conv1 gained a (folded) bias
  const std::string out =
      (fs::temp_directory_path() / (std::to_string(getpid()) + "_q_bn_int8.onnx")).string();
  quant::write_qdq_onnx(src, r.plan, out, nullptr);
  const auto qg = read_model_file(out);
  for (const auto* gr : {r.graph.get(), qg.get()}) {
    for (const auto& n : gr->nodes) {
      EXPECT_NE(n.op_type, "BatchNormalization") << n.name;
      if (n.op_type != "Conv") continue;
      // DQ(x), DQ(W), DQ(b) -> Conv -> [Relu ->] Q: nothing between the conv and its Q.
      for (std::size_t i = 0; i < 3; ++i) {
        ASSERT_TRUE(n.has_input(i)) << n.name;
        const auto p = gr->producer(n.inputs[i]);
        ASSERT_GE(p, 0) << n.name;
        EXPECT_EQ(gr->nodes[p].op_type, "DequantizeLinear") << n.name << " input " << i;
      }
      auto users = gr->consumers().at(n.outputs[0]);
      ASSERT_EQ(users.size(), 1u) << n.name;
      const Node* u = &gr->nodes[users[0]];
      if (u->op_type == "Relu") u = &gr->nodes[gr->consumers().at(u->outputs[0]).at(0)];
      EXPECT_EQ(u->op_type, "QuantizeLinear") << n.name;
    }
  }
  const auto fp = read_model_file(src);
  for (const auto& x : inputs(3, 77)) {
    const auto a = run(r.graph, x), q = run(qg, x), f = run(fp, x);
    ASSERT_EQ(a.size(), q.size());
    double d2 = 0, f2 = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_FLOAT_EQ(a[i], q[i]);  // the file computes what the in-memory graph does
      d2 += (q[i] - f[i]) * (q[i] - f[i]);
      f2 += f[i] * f[i];
    }
    EXPECT_LT(std::sqrt(d2 / f2), 0.05);  // and stays close to FP32 with the BN in the weights
  }
  fs::remove(src);
  fs::remove(out);
}

TEST(Quantize, MaxPoolOutputSharesItsInputsQuantization) {
  // conv1 -> relu1 -> MaxPool -> conv2: the pooled tensor is u8 with relu1's scale, so every
  // backend can pool in int8 with no requantization.
  zoo::ModelBuilder b("tiny_pool", 13);
  b.add_input("x", {1, 3, 8, 8});
  const auto r1 = b.relu(b.conv("x", "conv1", {3, 8, 3, 1, 1, 1, 1, true}), "relu1");
  const auto p = b.max_pool(r1, "pool", 2, 2, 0);
  b.classifier(b.conv(p, "conv2", {8, 8, 3, 1, 1, 1, 1, true}), "fc", 8, 4, "logits");
  b.add_output("logits", {1, 4});
  const std::string src =
      (fs::temp_directory_path() / (std::to_string(getpid()) + "_q_pool.onnx")).string();
  zoo::save_model(b.finish("pool test"), src);
  const auto r = quant::quantize(*read_model_file(src), inputs(8, 3), reference_options());
  std::map<std::string, quant::ActivationQuant> a;
  for (const auto& q : r.plan.activations) a[q.tensor] = q;
  ASSERT_TRUE(a.count("relu1") && a.count("pool"));
  EXPECT_EQ(a["pool"].type, DType::u8);
  EXPECT_EQ(a["pool"].scale, a["relu1"].scale);
  EXPECT_EQ(a["pool"].zero_point, a["relu1"].zero_point);
  fs::remove(src);
}

// A model whose batch is fixed to B > 1 takes the one-image calibration tensors B at a time:
// the ranges equal those of the batch-1 model on the same images (the leftover is unused).
TEST(Quantize, FixedBatchModelCalibratesInBatches) {
  const auto g1 = read_model_file(tiny_model("q_b1.onnx"));
  const auto g2 = read_model_file(tiny_model("q_b2.onnx", 2));
  const auto calib = inputs(5, 4);
  const auto r1 = quant::quantize(*g1, {calib.begin(), calib.begin() + 4}, reference_options());
  const auto r2 = quant::quantize(*g2, calib, reference_options());
  ASSERT_EQ(r1.plan.activations.size(), r2.plan.activations.size());
  for (std::size_t i = 0; i < r1.plan.activations.size(); ++i) {
    EXPECT_EQ(r1.plan.activations[i].tensor, r2.plan.activations[i].tensor);
    EXPECT_EQ(r1.plan.activations[i].scale, r2.plan.activations[i].scale);
    EXPECT_EQ(r1.plan.activations[i].zero_point, r2.plan.activations[i].zero_point);
  }
  EXPECT_NE(error_of([&] {
              quant::quantize(*g2, inputs(1, 4), reference_options());
            }).find("batch fixed to 2 in the model: calibration needs at least 2 images"),
            std::string::npos);
}
