#include "sweep_cli.h"

#include <fmt/format.h>

#include <filesystem>

#include "bench_options.h"
#include "calibration_cli.h"
#include "cli_error.h"
#include "cli_util.h"
#include "inferlab/lab/core_set.h"
#include "inferlab/lab/dataset_samples.h"
#include "inferlab/lab/fingerprint.h"

namespace inferlab::cli {

void add_sweep_options(CLI::App* cmd, SweepArgs& a) {
  cmd->add_option("model", a.model, "ONNX model file");
  cmd->add_option("--backends", a.backends, "comma-separated backends (default native)");
  cmd->add_option("-b,--batch", a.batch, "batch sizes, e.g. 1,2,4 (default 1,2,4,8,16)");
  cmd->add_option("--streams", a.streams, "streams, e.g. 1,2,auto (default 1,2,..cores,auto)");
  cmd->add_option("--threads", a.threads, "threads per stream, e.g. 1,2,auto (default auto)");
  cmd->add_option("--precision", a.precision, "precisions, e.g. f32,bf16,i8 (default f32)");
  cmd->add_option("--latency-bound", a.latency_bound_ms,
                  "p99 bound (ms) for the best bounded throughput");
  cmd->add_option("--budget", a.budget_min,
                  "minutes: sets the time per repetition and stops measuring when spent");
  cmd->add_option("-t,--time", a.duration_s,
                  "seconds per repetition (default 2, or from --budget)");
  cmd->add_option("--repetitions", a.repetitions, "repetitions per point (default 3)");
  cmd->add_option("--warmup", a.warmup, "warm-up queries per repetition (default 2)");
  cmd->add_option("--seed", a.seed, "seed of the random inputs");
  add_engine_option(cmd, a.engine, "native engine: optimized or reference");
  add_conv_algo_option(cmd, a.conv_algo, "native engine: auto, direct or winograd");
  cmd->add_option("--dataset", a.dataset, "fill the sample library from this image folder");
  cmd->add_option("--preset", a.preset,
                  "preprocessing preset for --dataset and --calibration (e.g. imagenet)");
  add_calibration_options(cmd, a.calibration);
  cmd->add_flag("--no-prune", a.no_prune, "measure every batch (no pruning)");
  cmd->add_option(
      "--db", a.db,
      "results store: a SQLite file or postgresql://... (default $INFERLAB_DB, else results.db)");
}

bench::SampleFn sample_fn(const std::string& model, std::uint64_t seed, const std::string& dataset,
                          const std::string& preset) {
  if (dataset.empty() != preset.empty())
    fail("--dataset and --preset go together (the preset says how to preprocess the images)");
  if (!dataset.empty() && !std::filesystem::is_directory(dataset))
    fail("--dataset {}: not a directory", dataset);
  if (!dataset.empty())
    return [dataset, preset](const std::vector<PortInfo>& ports, std::int64_t n) {
      return bench::dataset_samples(ports, dataset, preset, n);
    };
  BenchArgs b;
  b.model = model;
  b.seed = seed;
  return
      [b](const std::vector<PortInfo>& ports, std::int64_t n) { return make_samples(ports, b, n); };
}

nlohmann::json inputs_note(std::uint64_t seed, const std::string& dataset,
                           const std::string& preset) {
  if (dataset.empty())
    return {{"source", "random"},
            {"seed", seed},
            {"description", fmt::format("random (seed {})", seed)}};
  return {{"source", "dataset"},
          {"dataset", dataset},
          {"preset", preset},
          {"description",
           fmt::format("dataset {} (preset {}), preprocessed before timing", dataset, preset)}};
}

SweepPlan plan_sweep(const SweepArgs& a) {
  if (a.model.empty()) fail("give a MODEL");
  if (!std::filesystem::exists(a.model)) fail("model file '{}' does not exist", a.model);
  if (a.repetitions < 1) fail("--repetitions must be at least 1 (got {})", a.repetitions);
  if (a.warmup < 0) fail("--warmup must be zero or more (got {})", a.warmup);
  if (a.duration_s < 0) fail("--time must be positive (got {})", a.duration_s);
  if (a.budget_min < 0) fail("--budget must be positive minutes (got {})", a.budget_min);
  if (a.latency_bound_ms < 0) fail("--latency-bound must be positive (got {})", a.latency_bound_ms);

  SweepPlan plan;
  const int cores = bench::available_cpu_count();
  plan.grid = bench::default_grid(cores);
  plan.grid.backends = bench::parse_backend_axis(a.backends);
  plan.grid.precisions = bench::parse_precision_axis(a.precision);
  if (!a.batch.empty()) plan.grid.batches = bench::parse_int_axis(a.batch, "--batch", false);
  if (!a.streams.empty()) plan.grid.streams = bench::parse_int_axis(a.streams, "--streams", true);
  if (!a.threads.empty()) plan.grid.threads = bench::parse_int_axis(a.threads, "--threads", true);
  plan.points = bench::sweep_points(plan.grid);

  bench::SweepRun& r = plan.run;
  r.cores = cores;
  r.prune = !a.no_prune;
  r.budget_s = a.budget_min * 60;
  double dur = a.duration_s > 0 ? a.duration_s : 2.0;
  if (a.duration_s == 0 && r.budget_s > 0) {
    // Fit the whole grid into the budget, within 0.5 .. 5 s per repetition.
    const double per_point = r.budget_s / static_cast<double>(plan.points.size());
    dur = std::clamp((per_point - 3.0) / (1.1 * a.repetitions), 0.5, 5.0);
  }
  r.scenario.scenario = bench::Scenario::offline;
  r.scenario.repetitions = a.repetitions;
  r.scenario.duration_s = dur;
  r.scenario.warmup = a.warmup;
  r.scenario.seed = a.seed;
  r.base.model = a.model;
  r.base.engine = a.engine;
  r.base.conv_algo = a.conv_algo;
  // The preset may serve --calibration alone; the sample library then stays random.
  const bool calibrating = !a.calibration.dir.empty();
  const std::string samples_preset = calibrating && a.dataset.empty() ? "" : a.preset;
  r.samples = sample_fn(a.model, a.seed, a.dataset, samples_preset);
  r.inputs_note = inputs_note(a.seed, a.dataset, samples_preset);
  r.base.calibration = a.calibration;
  r.base.calibration.preset = a.preset;
  if (calibrating && std::find(plan.grid.precisions.begin(), plan.grid.precisions.end(), "i8") ==
                         plan.grid.precisions.end())
    fail("--calibration quantizes the model for the i8 points: add i8 to --precision");
  if (calibrating) data::check_calibration_request(r.base.calibration, Precision::i8);
  nlohmann::json settings = {{"repetitions", a.repetitions},
                             {"duration_s", dur},
                             {"warmup", a.warmup},
                             {"engine", engine_name(a.engine)},
                             {"conv_algo", conv_algo_name(a.conv_algo)},
                             {"inputs", r.inputs_note}};
  if (calibrating)
    settings["calibration"] = {
        {"dir", a.calibration.dir}, {"preset", a.preset}, {"samples", a.calibration.samples}};
  if (!a.scope.empty()) settings["scope"] = a.scope;  // absent otherwise: ids stay as they were
  r.id = bench::sweep_id(std::filesystem::absolute(a.model).string(), plan.grid, settings);
  r.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  plan.estimate_s = bench::estimate_sweep_seconds(plan.points.size(), a.repetitions, dur);
  return plan;
}

}  // namespace inferlab::cli
