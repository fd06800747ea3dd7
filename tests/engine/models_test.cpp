// Real models: optimized outputs match the reference engine within rtol 1e-3 / atol 1e-4 for
// batch 1 and 4, with 1 and 2 streams (the shared-data models and the zoo's ResNet-50 and
// SSD300). The zoo models at batch 4 take minutes on the reference engine: they run when
// INFERLAB_ACCEPTANCE=1.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "engine_test_util.h"
#include "runtime/stream_pool.h"
#include "zoo/zoo.h"

namespace inferlab::test {
namespace {

namespace fs = std::filesystem;

bool acceptance() {
  const char* e = std::getenv("INFERLAB_ACCEPTANCE");
  return e && std::string(e) == "1";
}

// Runs the model on the reference engine once per batch and on the optimized engine with 1 and
// 2 streams (2 concurrent requests when 2 streams), comparing every output.
void check_model(const std::shared_ptr<const Graph>& g, std::int64_t batch,
                 const std::string& conv_algo = "auto") {
  Core core;
  CompileOptions ro;
  ro.engine = Engine::reference;
  ro.batch = batch;
  const CompiledModel ref = core.compile_model(wrap_graph(g), ro);
  const auto in = random_inputs(ref, 5);
  const auto expected = run_model(ref, in);
  const int max_streams = std::min<int>(2, static_cast<int>(available_cpus().size()));
  for (int streams = 1; streams <= max_streams; ++streams) {
    SCOPED_TRACE(fmt::format("batch {} streams {} conv {}", batch, streams, conv_algo));
    CompileOptions o;
    o.batch = batch;
    o.streams = streams;
    o.threads_per_stream = static_cast<int>(available_cpus().size()) / streams;
    o.conv_algo = parse_conv_algo(conv_algo);
    const CompiledModel cm = core.compile_model(wrap_graph(g), o);
    std::vector<InferRequest> reqs;
    for (int r = 0; r < streams; ++r) {
      reqs.push_back(cm.create_infer_request());
      for (std::size_t i = 0; i < in.size(); ++i) reqs[r].set_tensor(cm.inputs()[i].name, in[i]);
    }
    for (auto& r : reqs) r.start();
    for (auto& r : reqs) {
      r.wait();
      for (std::size_t i = 0; i < expected.size(); ++i) {
        const TensorDiff d =
            compare_tensors(r.get_tensor(cm.outputs()[i].name), expected[i], 1e-3, 1e-4);
        EXPECT_TRUE(d.ok) << cm.outputs()[i].name << ": " << d.reason << " max_abs=" << d.max_abs
                          << " max_rel=" << d.max_rel << " mismatches=" << d.mismatches;
      }
    }
  }
}

class SharedModels : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedModels, MatchReference) {
  const std::string path = std::string(INFERLAB_SHARED_DATA) + "/" + GetParam();
  if (!fs::exists(path)) GTEST_SKIP() << path << " is absent (shared data not installed)";
  const auto g = read_model_file(path);
  check_model(g, 1);
  // mnist-8 reshapes to a fixed 1x256: the model itself only runs at batch 1.
  if (GetParam().find("mnist-8") == std::string::npos) check_model(g, 4);
}

INSTANTIATE_TEST_SUITE_P(Files, SharedModels,
                         ::testing::Values("cifar10/resnet20_cifar10.onnx",
                                           "mnist/mnist-8/model.onnx",
                                           "ultraface/version-RFB-320.onnx",
                                           "ultraface/version-RFB-320_without_postprocessing.onnx",
                                           "ultraface/version-slim-320_simplified.onnx"),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(ZooModels, ResNet50Batch1) {
  check_model(zoo::import_model(zoo::build_model("resnet50", {})), 1);
}

TEST(ZooModels, ResNet50Batch1Direct) {
  if (!acceptance()) GTEST_SKIP() << "set INFERLAB_ACCEPTANCE=1 (minutes on the reference engine)";
  check_model(zoo::import_model(zoo::build_model("resnet50", {})), 1, "direct");
}

TEST(ZooModels, ResNet50Batch4) {
  if (!acceptance()) GTEST_SKIP() << "set INFERLAB_ACCEPTANCE=1 (minutes on the reference engine)";
  check_model(zoo::import_model(zoo::build_model("resnet50", {})), 4);
}

TEST(ZooModels, Ssd300) {
  if (!acceptance()) GTEST_SKIP() << "set INFERLAB_ACCEPTANCE=1 (minutes on the reference engine)";
  const auto g = zoo::import_model(zoo::build_model("ssd300", {}));
  check_model(g, 1);
  check_model(g, 4);
}

}  // namespace
}  // namespace inferlab::test
