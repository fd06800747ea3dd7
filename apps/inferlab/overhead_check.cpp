#include "overhead_check.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "cli_util.h"
#include "command.h"
#include "inferlab/lab/backend.h"
#include "inferlab/lab/tiny_model.h"

namespace inferlab::cli {

void run_overhead_check(std::int64_t n, Engine requested_engine) {
  // The check is about the harness, not the engine: use the optimized engine when it is
  // registered, the reference one otherwise (said in the output).
  const Engine engine =
      backends::native_engine_available(requested_engine) ? requested_engine : Engine::reference;
  const std::string path =
      (std::filesystem::temp_directory_path() / fmt::format("inferlab-add-{}.onnx", getpid()))
          .string();
  const Shape shape{1, 16};
  backends::write_add_model(path, shape);

  backends::BackendOptions o;
  o.model = path;
  o.engine = engine;
  o.async = false;
  o.streams = 1;
  o.threads = 1;
  auto backend = backends::open_backend("native", o);
  backends::TensorMap sample{{"a", random_tensor(DType::f32, shape, 1)},
                             {"b", random_tensor(DType::f32, shape, 2)}};
  backend->set_samples({sample});

  CompileOptions co;
  co.engine = engine;
  co.streams = 1;
  co.threads_per_stream = 1;
  Core core;
  CompiledModel cm = core.compile_model(path, co);
  InferRequest req = cm.create_infer_request();
  req.set_tensor("a", sample["a"]);
  req.set_tensor("b", sample["b"]);
  std::filesystem::remove(path);

  bench::LoadPlan plan;
  plan.min_queries = n;
  plan.warmup_queries = 100;
  // Second baseline: the same completion-driven chain the harness uses (the next inference is
  // started from the completion callback on the stream thread), with nothing else around it.
  std::mutex mu;
  std::condition_variable cv;
  std::int64_t left = 0;
  req.set_callback([&] {
    std::unique_lock lock(mu);
    if (--left > 0) {
      lock.unlock();
      req.start();
    } else {
      cv.notify_all();
    }
  });
  auto chain = [&](std::int64_t count) {
    {
      std::lock_guard lock(mu);
      left = count;
    }
    const auto t0 = std::chrono::steady_clock::now();
    req.start();
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return left == 0; });
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
               .count() /
           static_cast<double>(count);
  };
  std::vector<double> bare_us, chain_us, harness_us, diff_us, diff_chain_us;
  for (int round = 0; round < 5; ++round) {
    chain(100);
    const double chained = chain(n);
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < n; ++i) {
      req.start();
      req.wait();
    }
    const double bare =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
        static_cast<double>(n);
    const bench::RunRecord r = backend->measure(plan);
    if (r.measured.latencies_ms.size() != static_cast<std::size_t>(n))
      fail("overhead check: the harness completed {} of {} requests",
           r.measured.latencies_ms.size(), n);
    const double harness = r.measured.wall_s * 1e6 / static_cast<double>(n);
    bare_us.push_back(bare);
    chain_us.push_back(chained);
    harness_us.push_back(harness);
    diff_us.push_back(harness - bare);
    diff_chain_us.push_back(harness - chained);
    fmt::print(
        "round {}: bare start/wait loop {:.2f} us, bare callback chain {:.2f} us, harness "
        "{:.2f} us per request\n",
        round + 1, bare, chained, harness);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  req.set_callback({});
  const double over = std::max(median(diff_us), median(diff_chain_us));
  fmt::print(
      "engine {}, {} requests per round (medians): bare loop {:.2f} us, bare callback chain "
      "{:.2f} us, harness {:.2f} us per request\n",
      engine_name(engine), n, median(bare_us), median(chain_us), median(harness_us));
  fmt::print(
      "harness overhead per request: {:+.2f} us over the bare loop, {:+.2f} us over the "
      "bare callback chain; worst {:+.2f} us (target < 5 us): {}\n",
      median(diff_us), median(diff_chain_us), over, over < 5 ? "PASS" : "FAIL");
  if (over >= 5) throw Exit{1};
}

}  // namespace inferlab::cli
