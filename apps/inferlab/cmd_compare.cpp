// `inferlab compare MODEL --backends native,onnxruntime,opencv[,pytorch]`: the same scenario on
// several backends, repetitions run alternately (backend A, B, C, A, B, C, ...) so that drifts of
// a busy machine hit every backend alike; one table with throughput, p50/p99, ratio to native,
// peak memory and numerical agreement of the outputs on the same inputs. A backend that is
// missing, crashes or times out gets a row with its status; the others complete.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "bench_options.h"
#include "command.h"
#include "inferlab/lab/compare.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_store.h"

namespace inferlab::cli {
namespace {

struct CompareCmd {
  BenchArgs args;
  std::string backends = "native,onnxruntime,opencv";
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string x; std::getline(ss, x, ',');)
    if (!x.empty()) out.push_back(x);
  return out;
}

std::string one_line(std::string e) {
  std::replace(e.begin(), e.end(), '\n', ' ');
  return e.size() > 240 ? e.substr(0, 240) + "..." : e;
}

void print_row(const bench::CompareRow& r, double native_fps) {
  if (!r.measured()) {
    fmt::print("{:<12} {:<9} {:>11} {:>10} {:>10} {:>8} {:>9} {:>11} {:>11} {:>7}  {}\n", r.name,
               r.status, "-", "-", "-", "-", "-", "-", "-", "-", one_line(r.error));
    return;
  }
  const double fps = r.result.throughput.median;
  const bool compared = r.agreement_done && r.agreement.comparable;
  const std::string agree =
      !r.agreement_done ? "(ref)"
      : r.agreement.comparable
          ? (r.agreement.rows ? fmt::format("{:.0f}%", 100 * r.agreement.top1_agreement()) : "n/a")
          : "n/a";
  fmt::print("{:<12} {:<9} {:>11.2f} {:>10.3f} {:>10.3f} {:>8} {:>9.1f} {:>11} {:>11} {:>7}  {}\n",
             r.name, r.status, fps, r.result.latency.p50, r.result.latency.p99,
             native_fps > 0 ? fmt::format("{:.2f}x", fps / native_fps) : "-", r.meta.peak_rss_mb,
             compared ? fmt::format("{:.2e}", r.agreement.max_abs) : "-",
             compared ? fmt::format("{:.2e}", r.agreement.max_rel) : "-", agree,
             r.meta.backend_version);
  if (r.agreement_done && !r.agreement.comparable)
    fmt::print("{:<12}   outputs not compared: {}\n", "", r.agreement.note);
  if (r.result.spread_warning())
    fmt::print("{:<12}   warning: throughput CV {:.1f}% over 5%\n", "",
               100 * r.result.throughput.cv);
}

void run_compare(CompareCmd& c) {
  BenchArgs& a = c.args;
  if (a.model.empty()) fail("give a MODEL");
  bench::CompareOptions o;
  o.backends = split(c.backends);
  if (o.backends.empty()) fail("--backends is empty");
  for (const auto& n : o.backends) backends::check_backend_name(n);
  resolve_bench_args(a);
  if (a.scenario.find_peak) fail("--find-peak is not available in compare; use bench per backend");
  if (!a.json.empty()) check_writable(a.json, "--json file");
  if (!a.csv.empty()) check_writable(a.csv, "--csv file");
  std::unique_ptr<bench::ResultsStore> db;
  if (!a.no_db) db = bench::open_results_store(bench::resolve_store_location(a.db));
  o.backend = a.backend;
  o.scenario = a.scenario;
  o.sample_count = a.samples > 0 ? a.samples : 4;
  o.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  o.run_id = fmt::format("{}-{}", bench::iso_time_now(), getpid());
  o.store = db.get();

  bench::CompareHooks hooks;
  hooks.opening = [](const std::string& name) {
    fmt::print("opening {} ...\n", name);
    std::fflush(stdout);
  };
  hooks.opened = [](const std::string&, const backends::BackendInfo& info) {
    for (const auto& note : info.notes) fmt::print("  note: {}\n", note);
  };
  hooks.samples = [&a](const std::vector<PortInfo>& ports, std::int64_t count) {
    return make_samples(ports, a, count);
  };
  hooks.repetition = [](const bench::CompareRow& r, const bench::RepetitionResult& res) {
    fmt::print("  {:<12} repetition {}: {:.2f} samples/s, p50 {:.3f} ms, p99 {:.3f} ms\n", r.name,
               r.reps.size() + 1, res.throughput_fps, res.latency.p50, res.latency.p99);
    std::fflush(stdout);
  };
  const bench::CompareResult r = bench::run_compare(o, hooks);

  fmt::print("\n{} scenario {}, {} repetition(s) each, run alternately\n", a.model,
             bench::scenario_name(r.scenario.scenario), r.scenario.repetitions);
  fmt::print("{:<12} {:<9} {:>11} {:>10} {:>10} {:>8} {:>9} {:>11} {:>11} {:>7}  {}\n", "backend",
             "status", "samples/s", "p50 ms", "p99 ms", "ratio", "peak MB", "max abs", "max rel",
             "top-1", "version / error");
  for (const auto& row : r.rows) print_row(row, r.native_fps);
  for (const auto& row : r.rows)
    if (row.measured()) fmt::print("settings {:<12} {}\n", row.name, row.meta.settings.dump());
  if (!a.json.empty()) write_file_atomically(a.json, to_json(r).dump(2) + "\n", "--json file");
  if (!a.csv.empty()) write_file_atomically(a.csv, bench::to_csv(r), "--csv file");
  if (db) fmt::print("recorded in {}\n", db->location());
}

void setup_compare(CLI::App& root) {
  auto c = std::make_shared<CompareCmd>();
  auto* cmd = root.add_subcommand(
      "compare", "Benchmark a model on several backends; check their outputs agree");
  cmd->add_option("model", c->args.model, "model file (.onnx, .prototxt, .xml)");
  cmd->add_option("--backends", c->backends,
                  "comma-separated: native,onnxruntime,opencv,pytorch (default the first three)");
  add_bench_options(cmd, c->args);
  cmd->add_option("--json", c->args.json, "write every backend's result as JSON");
  cmd->add_option("--csv", c->args.csv, "write one CSV row per backend");
  cmd->callback([c] { run_compare(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_compare);
}  // namespace inferlab::cli
