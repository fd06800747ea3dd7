// `inferlab scale MODEL`: throughput and latency on the first 1..k physical cores, per backend,
// with speedup S(k) = X(k)/X(1) and efficiency S(k)/k (docs/lab.md).
#include <fmt/format.h>

#include <unistd.h>
#include <filesystem>

#include "command.h"
#include "inferlab/lab/core_set.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/scale.h"
#include "inferlab/lab/sweep.h"
#include "lab_commands.h"
#include "sweep_cli.h"

namespace inferlab::cli {
namespace {

std::vector<bench::ScaleMode> parse_modes(const std::string& text) {
  std::vector<bench::ScaleMode> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string m = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (m == "throughput")
      out.push_back(bench::ScaleMode::throughput);
    else if (m == "latency")
      out.push_back(bench::ScaleMode::latency);
    else
      fail("--mode: unknown mode '{}' (known: throughput, latency)", m);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// A text chart of S(k) against the ideal line (S = k), one row per point.
void print_chart(const std::vector<bench::ScalePoint>& pts, int max_cores) {
  fmt::print("\nspeedup chart ('#' measured, '|' ideal S(k) = k)\n");
  const int width = 50;
  for (const auto& p : pts) {
    if (p.failed) continue;
    const int ideal = width * p.cores / max_cores;
    const int got = std::clamp(static_cast<int>(width * p.speedup / max_cores + 0.5), 0, width);
    std::string bar(static_cast<std::size_t>(width + 1), ' ');
    for (int i = 0; i < got; ++i) bar[static_cast<std::size_t>(i)] = '#';
    bar[static_cast<std::size_t>(ideal)] = '|';
    fmt::print("  {:<12} {:<10} k={:<3} {} {:.2f}\n", p.backend, bench::mode_name(p.mode), p.cores,
               bar, p.speedup);
  }
}

}  // namespace

std::vector<bench::ScalePoint> run_scale_command(const ScaleArgs& c) {
  if (c.model.empty()) fail("give a MODEL");
  if (!std::filesystem::exists(c.model)) fail("model file '{}' does not exist", c.model);
  if (c.batch < 1) fail("--batch must be positive (got {})", c.batch);
  if (c.repetitions < 1) fail("--repetitions must be at least 1 (got {})", c.repetitions);
  if (!(c.duration_s > 0)) fail("--time must be positive (got {})", c.duration_s);
  bench::ScaleRun run;
  const int machine = bench::available_physical_cores();
  if (c.cores.empty())
    for (int k = 1; k <= machine; ++k) run.cores.push_back(k);
  else
    run.cores = bench::parse_int_axis(c.cores, "--cores", false);
  for (int k : run.cores) bench::first_cores(k);
  run.backends = bench::parse_backend_axis(c.backends);
  run.modes = parse_modes(c.modes);
  if (bench::parse_precision_axis(c.precision).size() != 1)
    fail("--precision: scale measures one precision (got '{}')", c.precision);
  run.base.model = c.model;
  run.base.batch = c.batch;
  run.base.precision = parse_precision(c.precision);
  run.scenario.repetitions = c.repetitions;
  run.scenario.duration_s = c.duration_s;
  run.scenario.seed = c.seed;
  run.samples = sample_fn(c.model, c.seed, c.dataset, c.preset);
  run.inputs_note = inputs_note(c.seed, c.dataset, c.preset);
  run.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  run.id = fmt::format("scale-{}-{}", bench::iso_time_now(), getpid());
  std::unique_ptr<bench::ResultsStore> db;
  if (!c.no_db) db = bench::open_results_store(bench::resolve_store_location(c.db));

  fmt::print("{}: scaling over {} core count(s) of {} ({} repetition(s) of {:.1f} s), inputs {}\n",
             c.model, run.cores.size(), machine, c.repetitions, c.duration_s,
             run.inputs_note["description"].get<std::string>());
  fmt::print("  {:<12} {:<10} {:>5} {:>14} {:>22} {:>9} {:>9} {:>8} {:>6}\n", "backend", "mode",
             "cores", "streams x thr", "samples/s (CI95)", "p50 ms", "p90 ms", "S(k)", "eff");
  auto print = [](const bench::ScalePoint& p) {
    if (p.failed) {
      fmt::print("  {:<12} {:<10} {:>5}  failed: {}\n", p.backend, bench::mode_name(p.mode),
                 p.cores, p.reason);
      return;
    }
    fmt::print(
        "  {:<12} {:<10} {:>5} {:>14} {:>8.2f} ({:.1f}..{:.1f}) {:>9.3f} {:>9.3f} {:>8.2f} "
        "{:>5.0f}%\n",
        p.backend, bench::mode_name(p.mode), p.cores, fmt::format("{} x {}", p.streams, p.threads),
        p.throughput_fps, p.ci95_low, p.ci95_high, p.p50_ms, p.p90_ms, p.speedup,
        100 * p.efficiency);
  };
  auto pts = bench::run_scale(run, db.get(), print);
  bench::compute_speedups(pts);
  int max_cores = 1;
  for (int k : run.cores) max_cores = std::max(max_cores, k);
  print_chart(pts, max_cores);
  std::vector<nlohmann::json> rows;
  for (const auto& p : pts) rows.push_back(bench::to_json(p));
  if (!c.json.empty()) {
    const nlohmann::json j{{"scale_id", run.id}, {"model", c.model}, {"points", rows}};
    write_file_atomically(c.json, j.dump(2) + "\n", "--json file");
  }
  if (!c.csv.empty()) write_file_atomically(c.csv, bench::to_csv(rows), "--csv file");
  if (db) fmt::print("recorded in {} (run id {})\n", db->location(), run.id);
  return pts;
}

namespace {

void setup_scale(CLI::App& root) {
  auto c = std::make_shared<ScaleArgs>();
  auto* cmd =
      root.add_subcommand("scale", "Throughput and latency on 1..k cores: S(k), efficiency");
  cmd->add_option("model", c->model, "ONNX model file");
  cmd->add_option("--backends", c->backends, "comma-separated backends (default native)");
  cmd->add_option("--cores", c->cores, "core counts, e.g. 1,2,4 (default 1..all)");
  cmd->add_option("--mode", c->modes, "throughput, latency or both (default both)");
  cmd->add_option("-b,--batch", c->batch, "batch (default 1)");
  cmd->add_option("--precision", c->precision, "f32 (default), bf16, i8, ...");
  cmd->add_option("-t,--time", c->duration_s, "seconds per repetition (default 3)");
  cmd->add_option("--repetitions", c->repetitions, "repetitions (default 3)");
  cmd->add_option("--seed", c->seed, "seed of the random inputs");
  cmd->add_option("--dataset", c->dataset, "fill the sample library from this image folder");
  cmd->add_option("--preset", c->preset, "preprocessing preset for --dataset");
  cmd->add_option(
      "--db", c->db,
      "results store: a SQLite file or postgresql://... (default $INFERLAB_DB, else results.db)");
  cmd->add_flag("--no-db", c->no_db, "do not record results");
  cmd->add_option("--json", c->json, "write the points as JSON");
  cmd->add_option("--csv", c->csv, "write the points as CSV");
  cmd->callback([c] { run_scale_command(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_scale);
}  // namespace inferlab::cli
