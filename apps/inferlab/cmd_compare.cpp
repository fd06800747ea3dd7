// `inferlab compare MODEL --backends native,onnxruntime,opencv[,pytorch]`: the same scenario on
// several backends, repetitions run alternately (backend A, B, C, A, B, C, ...) so that drifts of
// a busy machine hit every backend alike; one table with throughput, p50/p99, ratio to native,
// peak memory and numerical agreement of the outputs on the same inputs. A backend that is
// missing, crashes or times out gets a row with its status; the others complete.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "backends/output_agreement.h"
#include "bench/fingerprint.h"
#include "bench/report.h"
#include "bench/results_store.h"
#include "bench_options.h"
#include "command.h"
#include "ir/output_file.h"

namespace inferlab::cli {
namespace {

struct CompareCmd {
  BenchArgs args;
  std::string backends = "native,onnxruntime,opencv";
};

struct Row {
  std::string name, status = "ok", error;
  std::unique_ptr<backends::Backend> backend;
  bench::RunMeta meta;
  std::vector<bench::RepetitionResult> reps;
  bench::ScenarioResult result;
  backends::OutputAgreement agreement;
  bool agreement_done = false;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string x; std::getline(ss, x, ',');)
    if (!x.empty()) out.push_back(x);
  return out;
}

// The status column of a backend that failed, from the error's code.
std::string status_of(const Error& e) {
  switch (e.code()) {
    case ErrorCode::worker_timeout:
      return "timeout";
    case ErrorCode::backend_unavailable:
      return "missing";
    case ErrorCode::worker_crashed:
      return "crashed";
    default:
      return "error";
  }
}

void run_compare(CompareCmd& c) {
  BenchArgs& a = c.args;
  if (a.model.empty()) fail("give a MODEL");
  const auto names = split(c.backends);
  if (names.empty()) fail("--backends is empty");
  for (const auto& n : names) backends::check_backend_name(n);
  resolve_bench_args(a);
  if (a.scenario.find_peak) fail("--find-peak is not available in compare; use bench per backend");
  if (!a.json.empty()) check_writable(a.json, "--json file");
  if (!a.csv.empty()) check_writable(a.csv, "--csv file");
  std::unique_ptr<bench::ResultsStore> db;
  if (!a.no_db) db = bench::open_results_store(bench::resolve_store_location(a.db));
  nlohmann::json fingerprint = bench::collect_fingerprint(bench::current_command_line());
  const std::string run_id = fmt::format("{}-{}", bench::iso_time_now(), getpid());

  std::vector<Row> rows;
  for (const auto& n : names) {
    Row r;
    r.name = n;
    fmt::print("opening {} ...\n", n);
    std::fflush(stdout);
    try {
      r.backend = backends::open_backend(n, a.backend);
      const auto& info = r.backend->info();
      for (const auto& note : info.notes) fmt::print("  note: {}\n", note);
      r.meta = backends::run_meta(info, a.backend);
      r.meta.backend = n;
      fingerprint["libraries"][n] = info.version;
      r.meta.run_id = run_id;
    } catch (const Error& e) {
      r.status = status_of(e);
      r.error = e.what();
      r.backend.reset();
    }
    rows.push_back(std::move(r));
  }
  for (auto& r : rows) r.meta.fingerprint = fingerprint;  // with every opened toolkit's version

  // The same samples for every backend, from the first one that opened.
  const Row* first = nullptr;
  for (const auto& r : rows)
    if (r.backend) {
      first = &r;
      break;
    }
  if (!first) {
    // Each backend's own reason (the native one names the file and the parse error).
    std::string why;
    for (const auto& r : rows) why += fmt::format("\n  {}: {}", r.name, r.error);
    fail("{}: no backend could open the model:{}", a.model, why);
  }
  const auto& ports = first->backend->info().inputs;
  const std::int64_t count = a.samples > 0 ? a.samples : 4;
  const auto samples = make_samples(ports, a, count);
  auto guard = [&](Row& r, const auto& fn) {
    if (!r.backend) return;
    try {
      fn();
    } catch (const Error& e) {
      r.status = status_of(e);
      r.error = e.what();
      r.backend.reset();  // kills its worker
    }
  };

  // Numerical agreement on sample 0, against the first backend listed that runs.
  backends::TensorMap ref;
  std::string ref_name;
  for (auto& r : rows) {
    guard(r, [&] {
      backends::TensorMap out = r.backend->infer(samples[0]);
      if (ref.empty()) {  // the first backend that runs is the reference
        ref = std::move(out);
        ref_name = r.name;
        return;
      }
      r.agreement = backends::compare_outputs(ref, out);
      r.agreement_done = true;
    });
    guard(r, [&] { r.backend->set_samples(samples); });
  }

  bench::ScenarioConfig sc = a.scenario;
  for (int rep = 0; rep < sc.repetitions; ++rep) {
    for (auto& r : rows) {
      guard(r, [&] {
        bench::ScenarioConfig rc = sc;
        rc.batch = r.meta.batch;
        rc.in_flight = r.backend->info().in_flight;
        rc.sample_count = count;
        auto res = bench::measure_repetition(
            rc, [&](const bench::LoadPlan& p) { return r.backend->measure(p); }, sc.rate_qps,
            sc.seed + static_cast<std::uint64_t>(rep), rep + 1, "repetition");
        fmt::print("  {:<12} repetition {}: {:.2f} samples/s, p50 {:.3f} ms, p99 {:.3f} ms\n",
                   r.name, rep + 1, res.throughput_fps, res.latency.p50, res.latency.p99);
        std::fflush(stdout);
        if (db) db->append(bench::repetition_row(res, rc, r.meta));
        r.result.config = rc;
        r.reps.push_back(std::move(res));
      });
    }
  }

  nlohmann::json all = nlohmann::json::array();
  double native_fps = 0;
  for (auto& r : rows) {
    if (r.reps.empty()) continue;
    bench::aggregate_repetitions(r.result, r.reps);
    if (r.backend) guard(r, [&] { r.meta.peak_rss_mb = r.backend->peak_rss_mb(); });
    if (r.name == "native") native_fps = r.result.throughput.median;
  }
  fmt::print("\n{} scenario {}, {} repetition(s) each, run alternately\n", a.model,
             bench::scenario_name(sc.scenario), sc.repetitions);
  fmt::print("{:<12} {:<9} {:>11} {:>10} {:>10} {:>8} {:>9} {:>11} {:>11} {:>7}  {}\n", "backend",
             "status", "samples/s", "p50 ms", "p99 ms", "ratio", "peak MB", "max abs", "max rel",
             "top-1", "version / error");
  auto one_line = [](std::string e) {
    std::replace(e.begin(), e.end(), '\n', ' ');
    return e.size() > 240 ? e.substr(0, 240) + "..." : e;
  };
  for (auto& r : rows) {
    nlohmann::json j;
    if (!r.reps.empty() && r.status == "ok") {
      j = bench::result_json(r.result, r.meta);
    } else {
      j = {{"backend", r.name},
           {"model", a.model},
           {"kind", "summary"},
           {"scenario", bench::scenario_name(sc.scenario)},
           {"run_id", run_id}};
    }
    j["status"] = r.status;
    if (!r.error.empty()) j["error"] = r.error;
    if (r.agreement_done)
      j["agreement"] = {{"comparable", r.agreement.comparable},
                        {"note", r.agreement.note},
                        {"max_abs_diff", r.agreement.max_abs},
                        {"max_rel_diff", r.agreement.max_rel},
                        {"max_elem_rel_diff", r.agreement.max_elem_rel},
                        {"top1_agreement", r.agreement.top1_agreement()},
                        {"top1_rows", r.agreement.rows},
                        {"reference", ref_name}};
    if (!r.reps.empty() && r.status == "ok") {
      const double fps = r.result.throughput.median;
      const std::string agree =
          !r.agreement_done ? "(ref)"
          : r.agreement.comparable
              ? (r.agreement.rows ? fmt::format("{:.0f}%", 100 * r.agreement.top1_agreement())
                                  : "n/a")
              : "n/a";
      fmt::print(
          "{:<12} {:<9} {:>11.2f} {:>10.3f} {:>10.3f} {:>8} {:>9.1f} {:>11} {:>11} {:>7}  {}\n",
          r.name, r.status, fps, r.result.latency.p50, r.result.latency.p99,
          native_fps > 0 ? fmt::format("{:.2f}x", fps / native_fps) : "-", r.meta.peak_rss_mb,
          r.agreement_done && r.agreement.comparable ? fmt::format("{:.2e}", r.agreement.max_abs)
                                                     : "-",
          r.agreement_done && r.agreement.comparable ? fmt::format("{:.2e}", r.agreement.max_rel)
                                                     : "-",
          agree, r.meta.backend_version);
      if (r.agreement_done && !r.agreement.comparable)
        fmt::print("{:<12}   outputs not compared: {}\n", "", r.agreement.note);
      if (r.result.spread_warning())
        fmt::print("{:<12}   warning: throughput CV {:.1f}% over 5%\n", "",
                   100 * r.result.throughput.cv);
    } else {
      fmt::print("{:<12} {:<9} {:>11} {:>10} {:>10} {:>8} {:>9} {:>11} {:>11} {:>7}  {}\n", r.name,
                 r.status, "-", "-", "-", "-", "-", "-", "-", "-", one_line(r.error));
    }
    if (db) db->append(j);
    all.push_back(j);
  }
  for (const auto& r : rows)
    if (!r.reps.empty() && r.status == "ok")
      fmt::print("settings {:<12} {}\n", r.name, r.meta.settings.dump());
  if (!a.json.empty()) {
    const nlohmann::json j{
        {"model", a.model}, {"run_id", run_id}, {"backends", all}, {"fingerprint", fingerprint}};
    write_file_atomically(a.json, j.dump(2) + "\n", "--json file");
  }
  if (!a.csv.empty()) {
    std::vector<nlohmann::json> flat;
    for (const auto& j : all) {
      auto f = bench::flat_summary(j);
      f["status"] = j.value("status", "");
      if (j.contains("agreement")) {
        f["max_abs_diff"] = j["agreement"]["max_abs_diff"];
        f["max_rel_diff"] = j["agreement"]["max_rel_diff"];
        f["top1_agreement"] = j["agreement"]["top1_agreement"];
      }
      if (j.contains("error")) f["error"] = j["error"];
      flat.push_back(f);
    }
    write_file_atomically(a.csv, bench::to_csv(flat), "--csv file");
  }
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
