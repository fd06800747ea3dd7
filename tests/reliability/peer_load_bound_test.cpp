// The peer workers (ONNX Runtime's Node worker, the Python peers) apply the server scenario's
// outstanding-query bound as inferlab's own loadgen does: a schedule no system can keep up with
// stops issuing at LoadPlan::max_outstanding, drains, and comes back marked saturated (so the
// repetition is INVALID) instead of queueing every arrival. Named *Slow*: each starts a worker
// process, which the sanitizer stage does not instrument. Peers not installed here are skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "inferlab/lab/backend.h"
#include "inferlab/lab/loadgen.h"
#include "inferlab/lab/tiny_model.h"
#include "ir/error.h"

namespace fs = std::filesystem;
using namespace inferlab;

class PeerLoadBoundSlow : public ::testing::TestWithParam<std::string> {};

TEST_P(PeerLoadBoundSlow, StopsIssuingAtTheBound) {
  const fs::path dir =
      fs::temp_directory_path() / ("inferlab-peerbound-" + std::to_string(getpid()));
  fs::create_directories(dir);
  backends::BackendOptions o;
  o.model = (dir / "add.onnx").string();
  backends::write_add_model(o.model, {2, 5});
  std::unique_ptr<backends::Backend> be;
  try {
    be = backends::open_backend(GetParam(), o);
  } catch (const Error& e) {
    fs::remove_all(dir);
    const std::string why = e.what();
    if (why.find("not installed") != std::string::npos ||
        why.find("unavailable") != std::string::npos)
      GTEST_SKIP() << why;
    FAIL() << why;
  }
  const Tensor a(DType::f32, {2, 5}), b(DType::f32, {2, 5});
  be->set_samples({{{"a", a}, {"b", b}}});
  bench::LoadPlan p;
  p.mode = bench::LoadPlan::Mode::open;
  p.warmup_queries = 0;
  p.batch = 2;
  p.arrivals_s.assign(200000, 0.0);  // every query due at once
  p.max_outstanding = 64;
  const auto t0 = std::chrono::steady_clock::now();
  const bench::RunRecord r = be->measure(p);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(r.saturated);
  EXPECT_GT(r.issued, 0);
  EXPECT_LE(r.issued, 64);
  EXPECT_EQ(static_cast<std::int64_t>(r.measured.latencies_ms.size()), r.issued);
  EXPECT_DOUBLE_EQ(r.stopped_at_s, 0.0);
  EXPECT_LT(wall, 30.0) << "the drain is bounded by the 64 outstanding queries";
  be.reset();
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Peers, PeerLoadBoundSlow,
                         ::testing::Values("onnxruntime", "openvino", "tensorflow", "pytorch"),
                         [](const auto& info) { return info.param; });
