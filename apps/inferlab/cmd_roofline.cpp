// `inferlab roofline MODEL`: measure this machine's ceilings (FP32 FMA, BF16 and INT8 dot-product
// peaks, L1/L2/L3/DRAM bandwidth) and place every layer of the native engine's profile, and the
// whole network, on the Roofline model (definitions: docs/lab.md).
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "command.h"
#include "inferlab/lab/core_set.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/roofline_json.h"
#include "inferlab/lab/scenario.h"
#include "lab_commands.h"
#include "sweep_cli.h"

namespace inferlab::cli {
namespace {

void print_ceilings(const Ceilings& c) {
  fmt::print("FP32 FMA peak: {:.1f} GFLOP/s one core, {:.1f} GFLOP/s on {} cores\n",
             c.fp32_core_gflops, c.fp32_all_gflops, c.cores);
  auto low = [&](const char* what, double core, double all, const char* unit, const char* isa) {
    if (core > 0)
      fmt::print("{} peak: {:.1f} {} one core, {:.1f} {} on {} cores\n", what, core, unit, all,
                 unit, c.cores);
    else
      fmt::print("{} peak: none ({} missing on this CPU)\n", what, isa);
  };
  low("BF16 dot-product", c.bf16_core_gflops, c.bf16_all_gflops, "GFLOP/s", "avx512_bf16");
  low("INT8 dot-product", c.int8_core_gops, c.int8_all_gops, "GOP/s", "avx512_vnni");
  fmt::print("caches (hwloc): L1d {} KiB, L2 {} KiB per core, L3 {} MiB\n", c.caches.l1d >> 10,
             c.caches.l2 >> 10, c.caches.l3 >> 20);
  fmt::print("bandwidth sweep, one core (GB/s):\n  {:>12} {:>8} {:>11}\n", "working set", "read",
             "read-write");
  for (const auto& p : c.sweep)
    fmt::print("  {:>9} KiB {:>8.1f} {:>11.1f}  {}\n", p.working_set_bytes >> 10, p.read_gbs,
               p.read_write_gbs, fitting_level(p.working_set_bytes, c.caches));
  fmt::print("plateaus:\n");
  for (const auto& p : c.plateaus)
    fmt::print(
        "  {:<5} {:>9} KiB .. {:>9} KiB  read {:.1f} GB/s, read-write {:.1f} GB/s ({} points)\n",
        p.level, p.from_bytes >> 10, p.to_bytes >> 10, p.read_gbs, p.read_write_gbs, p.points);
  fmt::print("roofs used: L1 {:.1f}, L2 {:.1f}, L3 {:.1f}, DRAM {:.1f} GB/s (one core)\n", c.bw_l1,
             c.bw_l2, c.bw_l3, c.bw_dram);
}

void print_layers(std::vector<RooflineLayer> ls, const RooflineLayer& net) {
  std::sort(ls.begin(), ls.end(),
            [](const RooflineLayer& a, const RooflineLayer& b) { return a.time_ms > b.time_ms; });
  fmt::print("\n  {:<30} {:<8} {:<4} {:>8} {:>6} {:>9} {:>9} {:>7} {:>5} {:>9} {:>6}  {}\n",
             "layer", "op", "prec", "ms", "%time", "MFLOP", "KiB", "FLOP/B", "level", "GFLOP/s",
             "%roof", "verdict");
  auto row = [](const RooflineLayer& l) {
    fmt::print(
        "  {:<30} {:<8} {:<4} {:>8.3f} {:>5.1f}% {:>9.2f} {:>9.0f} {:>7.2f} {:>5} {:>9.1f} "
        "{:>5.0f}%  {}{}\n",
        l.name.substr(0, 30), l.op_type.substr(0, 8), l.precision, l.time_ms, 100 * l.time_share,
        l.flops / 1e6, l.bytes / 1024, l.intensity, l.level, l.attained_gflops, l.percent_of_roof,
        l.verdict, l.winograd ? " (Winograd: direct FLOPs)" : "");
  };
  for (const auto& l : ls) row(l);
  row(net);
}

}  // namespace

void run_roofline_command(const RooflineArgs& c) {
  if (c.ceilings_only) {
    if (!c.model.empty()) fail("--ceilings-only measures the machine: drop the MODEL");
    const int threads = c.threads > 0 ? c.threads : bench::available_physical_cores();
    bench::first_cores(threads);
    print_ceilings(measure_ceilings(threads, c.quick));
    return;
  }
  if (c.model.empty()) fail("give a MODEL (or --ceilings-only)");
  if (!std::filesystem::exists(c.model)) fail("model file '{}' does not exist", c.model);
  backends::check_backend_name(c.backend);
  if (c.backend != "native")
    fail("backend {} gives no per-layer timings; the roofline needs them (use --backend native)",
         c.backend);
  if (c.batch < 1) fail("--batch must be positive (got {})", c.batch);
  if (!(c.duration_s > 0)) fail("--time must be positive (got {})", c.duration_s);
  const Precision precision = parse_precision(c.precision);
  const int cores = bench::available_physical_cores();
  const int threads = c.threads > 0 ? c.threads : cores;
  bench::first_cores(threads);  // more threads than cores: exit 2 before measuring

  const Ceilings ceil = measure_ceilings(threads, c.quick);
  print_ceilings(ceil);

  backends::BackendOptions o;
  o.model = c.model;
  o.batch = c.batch;
  o.streams = 1;
  o.threads = threads;
  o.perf_counters = true;
  o.precision = precision;
  auto backend = backends::open_backend(c.backend, o);
  const auto& info = backend->info();
  bench::ScenarioConfig s;
  s.scenario = bench::Scenario::single_stream;
  s.repetitions = 1;
  s.duration_s = c.duration_s;
  s.batch = c.batch;
  backend->set_samples(sample_fn(c.model, 0, "", "")(info.inputs, 1));
  const auto res =
      bench::run_scenario(s, [&](const bench::LoadPlan& p) { return backend->measure(p); });
  const auto profile = backend->layer_profile();
  if (profile.empty()) fail("backend {} returned no per-layer timings", c.backend);
  const ModelStats stats = compute_model_stats(Core().read_model(c.model), c.batch);
  const auto layers = roofline_layers(stats, profile, ceil, threads);
  const RooflineLayer net = roofline_network(layers, ceil, threads, stats.weight_bytes);
  fmt::print("\n{} batch {}, 1 stream x {} threads: {:.2f} samples/s, p50 {:.3f} ms (profiled)\n",
             c.model, c.batch, threads, res.throughput.median, res.latency.p50);
  print_layers(layers, net);

  nlohmann::json j = {{"kind", "roofline"},
                      {"time", bench::iso_time_now()},
                      {"run_id", fmt::format("roofline-{}-{}", bench::iso_time_now(), getpid())},
                      {"backend", c.backend},
                      {"model", c.model},
                      {"batch", c.batch},
                      {"streams", 1},
                      {"threads", threads},
                      {"precision", precision_name(precision)},
                      {"throughput_fps", res.throughput.median},
                      {"ceilings", to_json(ceil)},
                      {"network", to_json(net)},
                      {"layers", nlohmann::json::array()},
                      {"fingerprint", bench::collect_fingerprint(bench::current_command_line())}};
  std::vector<nlohmann::json> rows;
  for (const auto& l : layers) {
    j["layers"].push_back(to_json(l));
    rows.push_back(to_json(l));
  }
  if (!c.no_db) {
    const auto db = bench::open_results_store(bench::resolve_store_location(c.db));
    db->append(j);
    fmt::print("recorded in {}\n", db->location());
  }
  if (!c.json.empty()) write_file_atomically(c.json, j.dump(2) + "\n", "--json file");
  if (!c.csv.empty()) write_file_atomically(c.csv, bench::to_csv(rows), "--csv file");
}

namespace {

void setup_roofline(CLI::App& root) {
  auto c = std::make_shared<RooflineArgs>();
  auto* cmd =
      root.add_subcommand("roofline", "Ceilings by microbenchmarks and layers on the roofline");
  cmd->add_option("model", c->model, "ONNX model file");
  cmd->add_option("--backend", c->backend, "backend with per-layer timings (native)");
  cmd->add_option("-b,--batch", c->batch, "batch (default 1)");
  cmd->add_option("--precision", c->precision,
                  "f32 (default), bf16 or i8: layers are placed under their precision's roof");
  cmd->add_option("--threads", c->threads, "threads of the one stream (default: every core)");
  cmd->add_option("-t,--time", c->duration_s, "seconds of profiled inference (default 3)");
  cmd->add_flag("--ceilings-only", c->ceilings_only,
                "measure and print the ceilings alone (no model)");
  cmd->add_flag("--quick", c->quick, "coarser bandwidth sweep (one step per octave)");
  cmd->add_option(
      "--db", c->db,
      "results store: a SQLite file or postgresql://... (default $INFERLAB_DB, else results.db)");
  cmd->add_flag("--no-db", c->no_db, "do not record results");
  cmd->add_option("--json", c->json, "write ceilings and layers as JSON");
  cmd->add_option("--csv", c->csv, "write the layers as CSV");
  cmd->callback([c] { run_roofline_command(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_roofline);
}  // namespace inferlab::cli
