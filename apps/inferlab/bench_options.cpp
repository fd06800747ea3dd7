#include "bench_options.h"

#include <filesystem>

#include "calibration_cli.h"
#include "cli_util.h"
#include "inferlab/lab/core_set.h"
#include "inferlab/lab/dataset_samples.h"
#include "inferlab/lab/random_samples.h"
#include "inferlab/lab/tensor_file.h"

namespace inferlab::cli {

void add_bench_options(CLI::App* cmd, BenchArgs& a) {
  cmd->add_option(
      "--weights", a.backend.weights,
      "weights of a .prototxt (.caffemodel) or .xml (.bin) model; default: the file beside it");
  cmd->add_option("-b,--batch", a.batch, "batch: dimension 0 of every input (benchmark_app -b)");
  cmd->add_option("--api", a.api, "sync or async (benchmark_app -api)");
  cmd->add_option("--streams", a.streams, "streams; 0: from the hint (benchmark_app -nstreams)");
  cmd->add_option("--nireq", a.nireq,
                  "requests in flight; 0: one per stream (benchmark_app -nireq)");
  cmd->add_option("--threads", a.threads,
                  "threads per stream; 0: cores / streams (benchmark_app -nthreads)");
  cmd->add_flag("--no-pin", a.no_pin, "do not pin stream threads to cores (benchmark_app -pin NO)");
  cmd->add_option("--hint", a.hint, "latency or throughput (benchmark_app -hint)");
  cmd->add_option("-t,--time", a.duration_s, "seconds per repetition (benchmark_app -t)");
  cmd->add_option("--niter", a.iterations, "queries per repetition (benchmark_app -niter)");
  cmd->add_option("--shape", a.shapes, "NAME=1x3x224x224 (repeatable; benchmark_app -shape)");
  add_precision_option(cmd, a.backend.precision);
  add_calibration_options(cmd, a.backend.calibration);
  cmd->add_flag("--pc,--perf-counters", a.perf_counters,
                "per-layer counters, native and openvino backends (benchmark_app -pc)");
  cmd->add_option("--backend", a.backend_name,
                  "native (default), openvino, onnxruntime, tensorflow, pytorch, opencv");
  add_engine_option(cmd, a.backend.engine, "native engine: optimized or reference");
  add_conv_algo_option(cmd, a.backend.conv_algo, "native engine: auto, direct or winograd");
  cmd->add_option("--input", a.inputs, "NAME=FILE.npy|FILE.pb (repeatable); random otherwise");
  cmd->add_option("--seed", a.seed, "seed of the random inputs and of Poisson arrivals");
  cmd->add_option("--samples", a.samples, "sample library size (default: requests in flight)");
  cmd->add_option("--scenario", a.scenario_name,
                  "single_stream, multi_stream, offline or server (default: offline under the "
                  "throughput hint, single_stream under the latency hint)");
  cmd->add_option("--repetitions", a.repetitions, "repetitions (default 3)");
  cmd->add_option("--warmup", a.warmup, "warm-up queries after the first inference (default 2)");
  cmd->add_option("--samples-per-query", a.samples_per_query,
                  "multi_stream: samples issued together (default 8)");
  cmd->add_option("--rate", a.scenario.rate_qps, "server: Poisson arrival rate, queries/s");
  cmd->add_option("--latency-bound", a.scenario.latency_bound_ms, "server: bound on p99, ms");
  cmd->add_flag("--find-peak", a.scenario.find_peak,
                "server: search the highest rate meeting --latency-bound");
  cmd->add_flag("--force", a.force, "allow more streams x threads than cores (pinning off)");
  cmd->add_option("--timeout", a.backend.timeout_s, "peer backends: seconds per worker reply");
  cmd->add_option("--opt-level", a.backend.opt_level,
                  "onnxruntime graph optimisation level: 0, 1, 2 or 99");
  cmd->add_flag("--no-progress", a.no_progress, "no progress display");
  cmd->add_option("--db", a.db,
                  "results store: a SQLite file or postgresql://... (default $INFERLAB_DB, "
                  "else results.db)");
  cmd->add_flag("--no-db", a.no_db, "do not record results in the database");
  cmd->add_option("--dataset", a.dataset, "fill the sample library from this image folder");
  cmd->add_option("--preset", a.preset,
                  "preprocessing preset for --dataset and --calibration (e.g. imagenet)");
}

namespace {

void positive(std::int64_t v, const char* what, bool zero_ok = false) {
  if (v < 0 || (!zero_ok && v == 0))
    fail("{} must be {} (got {})", what, zero_ok ? "zero or more" : "positive", v);
}

}  // namespace

void resolve_bench_args(BenchArgs& a) {
  backends::BackendOptions& b = a.backend;
  backends::check_backend_name(a.backend_name);
  if (a.api != "sync" && a.api != "async") fail("--api must be sync or async (got '{}')", a.api);
  if (a.hint != "latency" && a.hint != "throughput")
    fail("--hint must be latency or throughput (got '{}')", a.hint);
  positive(a.batch, "--batch", true);
  positive(a.streams, "--streams", true);
  positive(a.threads, "--threads", true);
  positive(a.nireq, "--nireq", true);
  positive(a.iterations, "--niter", true);
  positive(a.samples, "--samples", true);
  positive(a.repetitions, "--repetitions");
  positive(a.samples_per_query, "--samples-per-query");
  positive(a.warmup, "--warmup", true);
  if (a.duration_s && !(*a.duration_s > 0))
    fail("--time must be a positive number of seconds (got {})", *a.duration_s);
  if (!(b.timeout_s > 0)) fail("--timeout must be positive (got {})", b.timeout_s);
  if (b.opt_level != 0 && b.opt_level != 1 && b.opt_level != 2 && b.opt_level != 99)
    fail("--opt-level must be 0, 1, 2 or 99 (got {})", b.opt_level);
  if (a.api == "sync" && a.nireq > 1) fail("--api sync runs one request: drop --nireq {}", a.nireq);

  if (!a.dataset.empty() && a.preset.empty())
    fail("--dataset and --preset go together (the preset says how to preprocess the images)");
  if (!a.preset.empty() && a.dataset.empty() && b.calibration.dir.empty())
    fail("--preset says how to preprocess --dataset or --calibration images: give one of them");
  b.calibration.preset = a.preset;
  data::check_calibration_request(b.calibration, b.precision);
  if (!a.dataset.empty() && !a.inputs.empty()) fail("give --dataset or --input, not both");
  b.model = a.model;
  if (!std::filesystem::exists(a.model)) fail("model file '{}' does not exist", a.model);
  b.batch = a.batch;
  for (const auto& s : a.shapes) b.shapes.insert(parse_named_shape(s));
  for (const auto& i : a.inputs) parse_named_file(i);
  b.hint = a.hint == "latency" ? PerformanceHint::latency : PerformanceHint::throughput;
  b.streams = a.streams;
  b.threads = a.threads;
  b.nireq = a.nireq;
  b.async = a.api == "async";
  b.pin = !a.no_pin;
  b.perf_counters = a.perf_counters;
  if (a.perf_counters && a.backend_name != "native" && a.backend_name != "openvino")
    fail("--perf-counters is available with the native and openvino backends only");

  const int cores = bench::available_cpu_count();
  const int need = std::max(1, a.streams) * std::max(1, a.threads);
  if (need > cores) {
    if (!a.force)
      fail(
          "{} streams x {} threads need {} cores, only {} are available (use --force to "
          "oversubscribe)",
          std::max(1, a.streams), std::max(1, a.threads), need, cores);
    b.pin = false;
  }

  bench::ScenarioConfig& s = a.scenario;
  // benchmark_app's throughput hint keeps every request in flight; SingleStream would issue one
  // query at a time and leave all streams but one idle, so the hint chooses the scenario.
  if (a.scenario_name.empty())
    a.scenario_name = a.hint == "throughput" ? "offline" : "single_stream";
  s.scenario = bench::parse_scenario(a.scenario_name);
  s.repetitions = a.repetitions;
  s.iterations = a.iterations;
  s.duration_s = a.duration_s ? *a.duration_s : (a.iterations > 0 ? 0 : 5);
  s.warmup = a.warmup;
  s.samples_per_query = a.samples_per_query;
  s.seed = a.seed;
  s.batch = 1;  // set from the compiled model
  s.in_flight = 1;
  s.sample_count = 1;
  bench::validate(s);
}

std::vector<backends::TensorMap> make_samples(const std::vector<PortInfo>& ports,
                                              const BenchArgs& a, std::int64_t count) {
  if (!a.dataset.empty()) return bench::dataset_samples(ports, a.dataset, a.preset, count);
  std::map<std::string, Tensor> given;
  for (const auto& spec : a.inputs) {
    auto [name, file] = parse_named_file(spec);
    // An init-capture: clang before 16 cannot capture a structured binding.
    if (std::none_of(ports.begin(), ports.end(),
                     [&n = name](const PortInfo& p) { return p.name == n; }))
      fail("--input names '{}', which is not an input of {}", name, a.model);
    given[name] = read_tensor_file(file);
  }
  return bench::random_samples(ports, a.seed, count, given);
}

}  // namespace inferlab::cli
