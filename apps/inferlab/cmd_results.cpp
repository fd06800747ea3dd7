// `inferlab results`: list and export the results store (every completed measurement).
#include <fmt/format.h>

#include <filesystem>

#include "bench/report.h"
#include "bench/results_db.h"
#include "command.h"
#include "ir/error.h"

namespace inferlab::cli {
namespace {

struct ResultsOptions {
  std::string db = "results.db";
  std::vector<std::string> filters;
  bool csv = false, json = false, integrity = false;
};

void run(const ResultsOptions& o) {
  if (o.csv && o.json) fail("give --csv or --json, not both");
  if (!std::filesystem::exists(o.db)) fail("results database '{}' does not exist", o.db);
  bench::ResultsDb db(o.db);
  if (o.integrity) {
    const std::string r = db.integrity_check();
    fmt::print("integrity_check: {}\n", r);
    if (r != "ok") throw Exit{1};
    return;
  }
  const auto rows = db.query(o.filters);
  if (o.json) {
    fmt::print("{}\n", nlohmann::json(rows).dump(2));
    return;
  }
  std::vector<nlohmann::json> flat;
  for (const auto& r : rows) flat.push_back(bench::flat_summary(r));
  if (o.csv) {
    fmt::print("{}", bench::to_csv(flat));
    return;
  }
  fmt::print("{:>5} {:<20} {:<10} {:<12} {:<14} {:<24} {:>4} {:>5} {:>12} {:>10} {:>10}\n", "id",
             "time", "kind", "backend", "scenario", "model", "rep", "batch", "samples/s", "p50 ms",
             "p99 ms");
  for (const auto& f : flat) {
    auto num = [&](const char* k) {
      return f.contains(k) && !f[k].is_null() ? f[k].get<double>() : 0.0;
    };
    std::string model = f.value("model", "");
    if (model.size() > 24) model = "..." + model.substr(model.size() - 21);
    fmt::print(
        "{:>5} {:<20} {:<10} {:<12} {:<14} {:<24} {:>4} {:>5} {:>12.2f} {:>10.3f} {:>10.3f}\n",
        f.value("id", std::int64_t{0}), f.value("time", ""), f.value("kind", ""),
        f.value("backend", ""), f.value("scenario", ""), model,
        f.contains("repetition") ? std::to_string(f["repetition"].get<int>()) : "-",
        f.value("batch", 0), num("throughput_fps"), num("latency_p50_ms"), num("latency_p99_ms"));
  }
  fmt::print("{} row(s) in {}\n", rows.size(), o.db);
}

void setup(CLI::App& root) {
  auto o = std::make_shared<ResultsOptions>();
  auto* cmd = root.add_subcommand("results", "List or export recorded benchmark results");
  cmd->add_option("--db", o->db, "results database (default results.db)");
  cmd->add_option("--filter", o->filters,
                  "COLUMN=VALUE or COLUMN~SUBSTRING (repeatable; columns: id, time, kind, "
                  "backend, model, scenario, batch, streams, threads, precision, repetition, "
                  "run_id, ...)");
  cmd->add_flag("--csv", o->csv, "export as CSV");
  cmd->add_flag("--json", o->json, "export as JSON (full records)");
  cmd->add_flag("--integrity-check", o->integrity, "run SQLite's integrity check");
  cmd->callback([o] { run(*o); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup);
}  // namespace inferlab::cli
