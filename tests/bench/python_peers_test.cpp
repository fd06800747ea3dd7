// The Python peers (OpenVINO, TensorFlow, PyTorch from the project's .venv): each runs the
// one-Add model through Backend::infer and measure; absent packages give one clear "not
// installed" error; a model TensorFlow cannot take is an error naming the node. Tests that need
// the .venv skip when scripts/setup.sh has not built it. Those are named *Slow*: each starts a
// Python worker (TensorFlow's import alone takes seconds), and the sanitizer stage, which does
// not instrument those processes, leaves them out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "backends/peer_locations.h"
#include "inferlab/lab/backend.h"
#include "inferlab/lab/output_agreement.h"
#include "inferlab/lab/tiny_model.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using namespace inferlab;
using namespace inferlab::backends;

namespace {

class PythonPeerSlow : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inferlab-pypeers-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    setenv("INFERLAB_CACHE_DIR", (dir_ / "cache").c_str(), 1);  // TensorFlow's conversions
    opts_.model = (dir_ / "add.onnx").string();
    write_add_model(opts_.model, {2, 5});
    a_ = Tensor(DType::f32, {2, 5});
    b_ = Tensor(DType::f32, {2, 5});
    for (int i = 0; i < 10; ++i) {
      a_.data<float>()[i] = static_cast<float>(i);
      b_.data<float>()[i] = 0.25f * static_cast<float>(i) - 2;
    }
  }
  void TearDown() override {
    unsetenv("INFERLAB_CACHE_DIR");
    fs::remove_all(dir_);
  }

  std::unique_ptr<Backend> open_or_skip(const BackendOptions& o) {
    try {
      return open_backend(GetParam(), o);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::backend_unavailable) return nullptr;  // the caller skips
      throw;
    }
  }

  fs::path dir_;
  BackendOptions opts_;
  Tensor a_, b_;
};

TEST_P(PythonPeerSlow, InfersAndMeasures) {
  auto be = open_or_skip(opts_);
  if (!be) GTEST_SKIP() << GetParam() << " not installed (run scripts/setup.sh)";
  EXPECT_FALSE(be->info().version.empty());
  EXPECT_TRUE(be->info().settings.contains("streams")) << be->info().settings.dump();
  const TensorMap out = be->infer({{"a", a_}, {"b", b_}});
  ASSERT_EQ(out.count("y"), 1u);
  const Tensor& y = out.at("y");
  ASSERT_EQ(y.shape(), (Shape{2, 5}));
  for (int i = 0; i < 10; ++i)
    EXPECT_FLOAT_EQ(y.data<float>()[i], a_.data<float>()[i] + b_.data<float>()[i]);
  be->set_samples({{{"a", a_}, {"b", b_}}});
  bench::LoadPlan p;
  p.min_queries = 20;
  p.warmup_queries = 2;
  p.batch = 2;
  const bench::RunRecord r = be->measure(p);
  EXPECT_EQ(r.measured.latencies_ms.size(), 20u);
  EXPECT_EQ(r.warmup_ms.size(), 2u);
  EXPECT_EQ(r.measured.samples, 40);
  EXPECT_GT(be->peak_rss_mb(), 1);
}

TEST_P(PythonPeerSlow, UnsupportedPrecisionIsAnError) {
  BackendOptions o = opts_;
  o.precision = Precision::i8;  // no peer runs int8 from a float model
  try {
    if (!open_or_skip(o)) GTEST_SKIP() << GetParam() << " not installed";
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("i8"), std::string::npos) << e.what();
  }
}

// A real CNN (Conv, Relu, Add, the option-A shortcut's Slice/Pad shape arithmetic, pooling,
// Gemm): each peer's outputs against the native engine's on the same input.
TEST_P(PythonPeerSlow, AgreesWithNativeOnResNet20) {
  const fs::path model = fs::path(INFERLAB_SHARED_DATA) / "cifar10" / "resnet20_cifar10.onnx";
  if (!fs::exists(model)) GTEST_SKIP() << model << " absent (../shared/data)";
  BackendOptions o;
  o.model = model.string();
  o.batch = 4;
  auto be = open_or_skip(o);
  if (!be) GTEST_SKIP() << GetParam() << " not installed (run scripts/setup.sh)";
  Tensor x(DType::f32, {4, 3, 32, 32});
  for (std::int64_t i = 0; i < x.numel(); ++i)
    x.data<float>()[i] = static_cast<float>((i * 7919) % 1000) / 500.0f - 1.0f;
  const TensorMap ref = open_backend("native", o)->infer({{"input", x}});
  const OutputAgreement a = compare_outputs(ref, be->infer({{"input", x}}));
  ASSERT_TRUE(a.comparable) << a.note;
  EXPECT_LT(a.max_rel, 1e-4) << GetParam();
  EXPECT_EQ(a.rows, 4);
  EXPECT_EQ(a.top1_same, 4) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Peers, PythonPeerSlow,
                         ::testing::Values("openvino", "tensorflow", "pytorch"));

TEST(PythonPeersSlow, OpenvinoPerLayerCounters) {
  const fs::path dir = fs::temp_directory_path() / ("inferlab-ovpc-" + std::to_string(getpid()));
  fs::create_directories(dir);
  BackendOptions o;
  o.model = (dir / "add.onnx").string();
  o.perf_counters = true;
  write_add_model(o.model, {2, 5});
  std::unique_ptr<Backend> be;
  try {
    be = open_backend("openvino", o);
  } catch (const Error& e) {
    fs::remove_all(dir);
    if (e.code() == ErrorCode::backend_unavailable) GTEST_SKIP() << e.what();
    throw;
  }
  Tensor a(DType::f32, {2, 5});
  be->set_samples({{{"a", a}, {"b", a}}});
  bench::LoadPlan p;
  p.min_queries = 5;
  p.warmup_queries = 0;
  p.batch = 2;
  be->measure(p);
  const auto layers = be->layer_profile();
  ASSERT_FALSE(layers.empty());
  std::int64_t runs = 0;
  for (const auto& l : layers) {
    EXPECT_FALSE(l.op_type.empty()) << l.name;
    EXPECT_FALSE(l.implementation.empty()) << l.name;
    runs = std::max(runs, l.count);
  }
  EXPECT_EQ(runs, 6);  // the first inference and the five measured ones
  fs::remove_all(dir);
}

TEST(PythonPeers, AbsentEnvironmentIsOneClearMessage) {
  const fs::path home = fs::temp_directory_path() / ("inferlab-home-" + std::to_string(getpid()));
  fs::create_directories(home / "tools" / "peers");
  std::ofstream(home / "tools" / "peers" / "peer_common.py") << "\n";
  setenv("INFERLAB_HOME", home.c_str(), 1);
  for (const std::string name : {"openvino", "tensorflow", "pytorch"}) {
    try {
      worker_command(name);
      ADD_FAILURE() << name << ": expected an error";
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("not installed; run scripts/setup.sh"), std::string::npos) << m;
      EXPECT_EQ(e.code(), ErrorCode::backend_unavailable) << m;  // compare's "missing" row
    }
  }
  unsetenv("INFERLAB_HOME");
  fs::remove_all(home);
}

TEST(PythonPeersSlow, TensorflowNamesTheNodeItCannotConvert) {
  const fs::path dir = fs::temp_directory_path() / ("inferlab-tfconv-" + std::to_string(getpid()));
  fs::create_directories(dir);
  BackendOptions o;
  o.model = (dir / "mod.onnx").string();
  write_add_model(o.model, {2, 5}, "Mod");
  setenv("INFERLAB_CACHE_DIR", (dir / "cache").c_str(), 1);
  try {
    open_backend("tensorflow", o);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    const std::string m = e.what();
    if (e.code() == ErrorCode::backend_unavailable) {
      fs::remove_all(dir);
      GTEST_SKIP() << m;
    }
    EXPECT_NE(m.find("cannot convert node 'add0' (Mod)"), std::string::npos) << m;
  }
  unsetenv("INFERLAB_CACHE_DIR");
  fs::remove_all(dir);
}

}  // namespace
