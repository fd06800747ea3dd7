// Backends through the one interface: native and peer workers agree on a one-Add model; the
// worker process plumbing reports timeouts, crashes and protocol errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "backends/worker_process.h"
#include "inferlab/lab/backend.h"
#include "inferlab/lab/output_agreement.h"
#include "inferlab/lab/tiny_model.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using namespace inferlab;
using namespace inferlab::backends;

namespace {

class AddModel : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("inferlab-backends-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    opts_.model = (dir_ / "add.onnx").string();
    opts_.engine = Engine::reference;
    write_add_model(opts_.model, {2, 5});
    a_ = Tensor(DType::f32, {2, 5});
    b_ = Tensor(DType::f32, {2, 5});
    for (int i = 0; i < 10; ++i) {
      a_.data<float>()[i] = static_cast<float>(i);
      b_.data<float>()[i] = 0.5f * static_cast<float>(i) - 3;
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  void check_backend(const std::string& name) {
    std::unique_ptr<Backend> be;
    try {
      be = open_backend(name, opts_);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::backend_unavailable) GTEST_SKIP() << e.what();
      throw;
    }
    EXPECT_EQ(be->info().name, name);
    EXPECT_FALSE(be->info().version.empty());
    ASSERT_EQ(be->info().inputs.size(), 2u);
    const TensorMap out = be->infer({{"a", a_}, {"b", b_}});
    ASSERT_EQ(out.count("y"), 1u) << name;
    const Tensor& y = out.at("y");
    ASSERT_EQ(y.shape(), (Shape{2, 5}));
    for (int i = 0; i < 10; ++i)
      EXPECT_FLOAT_EQ(y.data<float>()[i], a_.data<float>()[i] + b_.data<float>()[i]) << name;
    // And a short measurement through the same interface.
    be->set_samples({{{"a", a_}, {"b", b_}}});
    bench::LoadPlan p;
    p.min_queries = 20;
    p.warmup_queries = 2;
    p.batch = 2;
    const bench::RunRecord r = be->measure(p);
    EXPECT_EQ(r.measured.latencies_ms.size(), 20u) << name;
    EXPECT_EQ(r.warmup_ms.size(), 2u) << name;
    EXPECT_EQ(r.measured.samples, 40) << name;
    EXPECT_GT(r.measured.wall_s, 0) << name;
    EXPECT_GT(be->peak_rss_mb(), 1) << name;
  }

  fs::path dir_;
  BackendOptions opts_;
  Tensor a_, b_;
};

}  // namespace

TEST_F(AddModel, Native) {
  check_backend("native");
}
TEST_F(AddModel, OnnxRuntime) {
  check_backend("onnxruntime");
}
TEST_F(AddModel, OpenCV) {
  if (!fs::exists(fs::path(INFERLAB_BINARY_DIR) / "inferlab-opencv-worker"))
    GTEST_SKIP() << "inferlab-opencv-worker not built";
  setenv("INFERLAB_OPENCV_WORKER",
         (fs::path(INFERLAB_BINARY_DIR) / "inferlab-opencv-worker").c_str(), 1);
  check_backend("opencv");
}

TEST(Backends, UnknownNameAndAgreement) {
  EXPECT_THROW(check_backend_name("tvm"), Error);
  Tensor r(DType::f32, {2, 3}), o(DType::f32, {2, 3});
  float rv[] = {1, 5, 2, 9, 0, 1}, ov[] = {1, 5.5f, 2, 0, 0, 1};
  std::copy(rv, rv + 6, r.data<float>());
  std::copy(ov, ov + 6, o.data<float>());
  const OutputAgreement a = compare_outputs({{"y", r}}, {{"y", o}});
  EXPECT_TRUE(a.comparable);
  EXPECT_FLOAT_EQ(a.max_abs, 9);
  EXPECT_FLOAT_EQ(a.max_rel, 1);
  EXPECT_EQ(a.rows, 2);
  EXPECT_EQ(a.top1_same, 1);  // row 0: both pick 1; row 1: 0 vs 2
  EXPECT_TRUE(compare_outputs({{"y", r}}, {{"other", o}}).comparable);  // single outputs
  EXPECT_FALSE(compare_outputs({{"y", r}}, {}).comparable);
}

TEST(WorkerProcess, RepliesTimeoutsAndCrashes) {
  {
    WorkerProcess w({"/bin/sh", "-c", "read l; echo '{\"ok\": true, \"v\": 3}'"}, {}, "echo");
    EXPECT_EQ(w.call({{"cmd", "x"}}, 10)["v"], 3);
  }
  {
    WorkerProcess w({"/bin/sh", "-c", "read l; echo '{\"ok\": false, \"error\": \"no\"}'"}, {},
                    "refuser");
    try {
      w.call({{"cmd", "x"}}, 10);
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "refuser: no");
    }
  }
  {
    WorkerProcess w({"/bin/sh", "-c", "sleep 30"}, {}, "sleeper");
    const auto t0 = std::chrono::steady_clock::now();
    try {
      w.call({{"cmd", "x"}}, 0.3);
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::worker_timeout) << e.what();
      EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
    EXPECT_FALSE(w.alive());  // killed
  }
  {
    WorkerProcess w({"/bin/sh", "-c", "echo dying words >&2; exit 7"}, {}, "crasher");
    try {
      w.call({{"cmd", "x"}}, 10);
      FAIL();
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_EQ(e.code(), ErrorCode::worker_crashed) << m;
      EXPECT_NE(m.find("status 7"), std::string::npos) << m;
      EXPECT_NE(m.find("dying words"), std::string::npos) << m;
    }
  }
  {
    WorkerProcess w({"/bin/sh", "-c", "read l; echo not json"}, {}, "garbler");
    EXPECT_THROW(w.call({{"cmd", "x"}}, 10), Error);
  }
  try {
    WorkerProcess({"/nonexistent/worker"}, {}, "ghost").call({}, 1);
    FAIL() << "a missing worker program started";
  } catch (const Error& e) {
    // posix_spawn reports a missing program as the child exiting (status 127) on glibc.
    EXPECT_TRUE(e.code() == ErrorCode::backend_unavailable || e.code() == ErrorCode::worker_crashed)
        << error_code_name(e.code()) << ": " << e.what();
  }
}
