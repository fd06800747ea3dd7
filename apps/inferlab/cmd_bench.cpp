// `inferlab bench MODEL`: measure a model under a LoadGen-style scenario through any backend,
// with repetitions, confidence intervals, a fingerprint, JSON/CSV output and the results store.
// `inferlab bench --overhead-check` measures what the harness adds per request.
#include <fmt/format.h>
#include <unistd.h>

#include "bench_distributed.h"
#include "bench_options.h"
#include "command.h"
#include "inferlab/lab/bench_run.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/stats.h"
#include "overhead_check.h"
#include "slurm_cli.h"

namespace inferlab::cli {
namespace {

struct BenchCmd {
  BenchArgs args;
  bool overhead_check = false;
  bool distributed = false;
  SlurmCli slurm;
  std::vector<std::string> slurm_configs;
  std::string latency_log;  // --latency-log FILE: per-repetition histograms
};

// `bench ... --slurm [--slurm-config ARGS ...]`: one array task per configuration (this
// command's options plus ARGS), each on its own node.
void run_bench_on_slurm(BenchCmd& c) {
  resolve_bench_args(c.args);  // every option checked before anything is submitted
  const auto base = own_arguments({"--slurm", "--no-exclusive"}, slurm_option_names());
  std::vector<fleet::SlurmTask> tasks;
  if (c.slurm_configs.empty()) tasks.push_back({"bench", base});
  for (const auto& conf : c.slurm_configs) {
    auto args = base;
    for (auto& w : split_words(conf, "--slurm-config")) args.push_back(std::move(w));
    tasks.push_back({conf, std::move(args)});
  }
  run_on_slurm(tasks, c.slurm, bench::resolve_store_location(c.args.db));
}

void print_layers(const nlohmann::json& layers) {
  double total = 0;
  for (const auto& l : layers) total += l["avg_ms"].get<double>();
  fmt::print(
      "\nper-layer counters (average per inference, over every inference of the run: first, "
      "warm-up and measured):\n");
  fmt::print("  {:<32} {:<18} {:<30} {:<5} {:<10} {:>9} {:>6}  {}\n", "node", "op",
             "implementation", "prec", "layout", "ms", "%", "fused from");
  for (const auto& l : layers) {
    const double ms = l["avg_ms"];
    fmt::print("  {:<32} {:<18} {:<30} {:<5} {:<10} {:>9.3f} {:>5.1f}%  {}\n",
               l["name"].get<std::string>(), l["op_type"].get<std::string>(),
               l["implementation"].get<std::string>(), l["precision"].get<std::string>(),
               l["layout"].get<std::string>(), ms, total > 0 ? 100 * ms / total : 0.0,
               fmt::join(l["fused_from"].get<std::vector<std::string>>(), ","));
  }
}

void print_summary(const nlohmann::json& j, const bench::ScenarioResult& r) {
  const auto& l = j["latency_ms"];
  fmt::print("\nbackend    {} ({})\n", j["backend"].get<std::string>(),
             j["backend_version"].get<std::string>());
  fmt::print("settings   {}\n", j["settings"].dump());
  const std::string layers = j.value("precision_layers", "");
  fmt::print("precision  {}{}\n", j["precision"].get<std::string>(),
             layers.empty() ? "" : " (" + layers + ")");
  fmt::print("scenario   {}, batch {}, {} repetition(s)\n", j["scenario"].get<std::string>(),
             j["batch"].get<int>(), r.config.repetitions);
  fmt::print("compile    {:.1f} ms, first inference {:.2f} ms, warm-up mean {:.2f} ms\n",
             j["compile_ms"].get<double>(), r.first_inference_ms, r.warmup.mean);
  fmt::print("throughput {:.2f} samples/s (median; 95% CI {:.2f} .. {:.2f}, CV {:.1f}%)\n",
             r.throughput.median, r.throughput.ci95_low, r.throughput.ci95_high,
             100 * r.throughput.cv);
  fmt::print(
      "latency ms min {:.3f}  mean {:.3f}  p50 {:.3f}  p90 {:.3f}  p99 {:.3f}  max {:.3f}"
      "  ({} queries)\n",
      l["min"].get<double>(), l["mean"].get<double>(), l["p50"].get<double>(),
      l["p90"].get<double>(), l["p99"].get<double>(), l["max"].get<double>(),
      l["count"].get<std::int64_t>());
  switch (r.config.scenario) {
    case bench::Scenario::single_stream:
      fmt::print("result     SingleStream p90 latency {:.3f} ms\n", r.latency.p90);
      break;
    case bench::Scenario::multi_stream:
      fmt::print("result     MultiStream p99 latency {:.3f} ms per query of {} samples\n",
                 r.latency.p99, r.config.samples_per_query);
      break;
    case bench::Scenario::offline:
      fmt::print("result     Offline {:.2f} samples/s\n", r.throughput.median);
      break;
    case bench::Scenario::server:
      if (r.config.find_peak) fmt::print("peak rate  {:.2f} queries/s\n", r.peak_rate_qps);
      fmt::print("result     Server at {:.2f} queries/s: p99 {:.3f} ms, bound {} -> {}\n",
                 r.repetitions.front().rate_qps, r.latency.p99,
                 r.config.latency_bound_ms > 0 ? fmt::format("{} ms", r.config.latency_bound_ms)
                                               : std::string("none"),
                 r.bound_met ? "MET" : "NOT MET");
      if (!r.invalid_reason.empty()) fmt::print("result     INVALID: {}\n", r.invalid_reason);
      break;
  }
  fmt::print("peak RSS   {:.1f} MiB\n", j["peak_rss_mb"].get<double>());
  const auto& v = j["validity"];
  fmt::print(
      "validity   min duration {} s {}, min queries {} {}{}\n", v["min_duration_s"].dump(),
      v["min_duration_met"].get<bool>() ? "met" : "NOT met", v["min_queries"].dump(),
      v["min_queries_met"].get<bool>() ? "met" : "NOT met",
      v.contains("server_result") ? ", Server " + v["server_result"].get<std::string>() : "");
  for (const char* p : {"p90", "p99"}) {
    const auto& e = j["early_stopping"][p];
    if (e["enough_queries"].get<bool>())
      fmt::print("early stop {} estimate {:.3f} ms (confidence 0.99)\n", p,
                 e["estimate_ms"].get<double>());
    else
      fmt::print("early stop {} estimate: too few queries ({} needed)\n", p,
                 e["min_queries"].get<std::int64_t>());
  }
  if (r.spread_warning())
    fmt::print(
        "warning: throughput varies by {:.1f}% across repetitions (over 5%): the machine "
        "may be busy; use longer runs or more repetitions\n",
        100 * r.throughput.cv);
}

// One repetition's measured latencies as `repetition,kind,latency_us,queries` lines: the 1-us
// histogram the summaries are computed from, so a reader can pool any set of repetitions (the
// soak pools each third of its run, bench/soak.sh). Written as each repetition completes, so a
// 30-minute run keeps nothing of it in memory.
void write_latency_histogram(StreamedFile& log, const bench::RepetitionResult& r) {
  bench::LatencyHistogram h;
  h.add(r.record.measured.latencies_ms);
  std::string lines;
  for (const auto& [us, n] : h.counts())
    lines += fmt::format("{},{},{},{}\n", r.index, r.kind, us, n);
  log.write(lines);
}

void run_bench(BenchCmd& c) {
  BenchArgs& a = c.args;
  // The log is written by this process's repetitions: the modes below run elsewhere.
  if (!c.latency_log.empty() && (c.overhead_check || c.distributed || c.slurm.enabled))
    fail(
        "--latency-log works with a local bench only (not with --overhead-check, --distributed "
        "or --slurm)");
  if (c.overhead_check) {
    run_overhead_check(a.iterations > 0 ? a.iterations : 20000, a.backend.engine);
    return;
  }
  if (a.model.empty()) fail("give a MODEL (or --overhead-check)");
  if (c.distributed) return run_distributed_bench(a);
  if (c.slurm.enabled) return run_bench_on_slurm(c);
  resolve_bench_args(a);
  // Destinations are checked before measuring, so a typo does not cost the whole run.
  if (!a.json.empty()) check_writable(a.json, "--json file");
  if (!a.csv.empty()) check_writable(a.csv, "--csv file");
  if (!c.latency_log.empty()) check_writable(c.latency_log, "--latency-log file");
  std::unique_ptr<bench::ResultsStore> db;
  if (!a.no_db) db = bench::open_results_store(bench::resolve_store_location(a.db));

  bench::BenchRequest req;
  req.backend = a.backend_name;
  req.options = a.backend;
  req.scenario = a.scenario;
  req.samples = a.samples;
  req.inputs = a.dataset.empty()
                   ? nlohmann::json{{"source", "random"},
                                    {"description", fmt::format("random (seed {})", a.seed)}}
                   : nlohmann::json{{"source", "dataset"},
                                    {"description",
                                     fmt::format("dataset {} (preset {})", a.dataset, a.preset)}};
  req.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  req.run_id = fmt::format("{}-{}", bench::iso_time_now(), getpid());
  req.store = db.get();
  req.progress = !a.no_progress;

  bench::BenchHooks hooks;
  hooks.samples = [&a](const std::vector<PortInfo>& ports, std::int64_t count) {
    return make_samples(ports, a, count);
  };
  hooks.opened = [&a](const backends::BackendInfo& info, const bench::ScenarioConfig& s) {
    fmt::print("{} on {} ({}), {} x batch {}, {} in flight, scenario {}, inputs {}\n", a.model,
               info.name, info.version, s.sample_count, s.batch, info.in_flight,
               bench::scenario_name(s.scenario),
               a.dataset.empty() ? "random" : fmt::format("dataset {} ({})", a.dataset, a.preset));
    for (const auto& note : info.notes) fmt::print("note: {}\n", note);
  };
  std::unique_ptr<StreamedFile> log;
  if (!c.latency_log.empty()) {
    log = std::make_unique<StreamedFile>(c.latency_log, "--latency-log file");
    log->write("repetition,kind,latency_us,queries\n");
  }
  hooks.repetition = [&log](const bench::RepetitionResult& r) {
    if (log) write_latency_histogram(*log, r);
    if (r.kind == "peak_trial")
      fmt::print("  trial {:2} rate {:8.2f} q/s: p99 {:.3f} ms -> {}\n", r.index, r.rate_qps,
                 r.latency.p99, r.bound_met ? "met" : "missed");
    else
      fmt::print(
          "  repetition {}: {:.2f} samples/s, p50 {:.3f} ms, p90 {:.3f} ms, p99 {:.3f} ms "
          "({} queries, {:.2f} s)\n",
          r.index, r.throughput_fps, r.latency.p50, r.latency.p90, r.latency.p99, r.latency.count,
          r.record.measured.wall_s);
    if (!r.invalid_reason.empty()) fmt::print("  INVALID: {}\n", r.invalid_reason);
  };
  const bench::BenchOutcome out = bench::run_bench(req, hooks);
  const nlohmann::json j = bench::to_json(out);
  print_summary(j, out.result);
  if (!out.meta.layers.is_null()) print_layers(out.meta.layers);
  if (!a.json.empty()) write_file_atomically(a.json, j.dump(2) + "\n", "--json file");
  if (!a.csv.empty()) write_file_atomically(a.csv, bench::to_csv(out), "--csv file");
  if (log) log->commit();
  if (db) fmt::print("recorded in {}\n", db->location());
}

void setup_bench(CLI::App& root) {
  auto c = std::make_shared<BenchCmd>();
  auto* cmd = root.add_subcommand("bench", "Benchmark a model (scenarios, repetitions, backends)");
  cmd->add_option("model", c->args.model, "model file (.onnx, .prototxt, .xml)");
  add_bench_options(cmd, c->args);
  cmd->add_option("--json", c->args.json, "write the result as JSON");
  cmd->add_option("--csv", c->args.csv, "write the result as CSV");
  cmd->add_option("--latency-log", c->latency_log,
                  "write each repetition's latency histogram (1 us bins) as CSV, as it completes");
  cmd->add_flag("--overhead-check", c->overhead_check,
                "measure the harness's per-request overhead on a one-Add model");
  cmd->add_flag("--distributed", c->distributed,
                "under mpirun: offline scenario over every rank, --niter split between them");
  cmd->add_flag("--slurm", c->slurm.enabled,
                "run on a Slurm cluster: one job-array task per --slurm-config (docs/fleet.md)");
  cmd->add_option("--slurm-config", c->slurm_configs,
                  "with --slurm: extra options of one task, e.g. \"--batch 8 --streams 2\" "
                  "(repeatable)");
  add_slurm_options(cmd, c->slurm);
  cmd->callback([c] { run_bench(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_bench);
}  // namespace inferlab::cli
