// `inferlab results`: list and export the results store (every completed measurement), grouped
// by CPU model; `--merge` imports SQLite files (e.g. from nodes that could not reach a shared
// PostgreSQL store) into the store.
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <set>

#include "cli_error.h"
#include "command.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_db.h"
#include "inferlab/lab/results_store.h"

namespace inferlab::cli {
namespace {

struct ResultsOptions {
  std::string db;
  std::vector<std::string> filters, merge;
  bool csv = false, json = false, integrity = false;
};

// Each file is imported in one transaction: all its rows or none.
void merge(bench::ResultsStore& into, const std::vector<std::string>& files) {
  for (const auto& f : files) {
    if (bench::is_postgres_url(f)) fail("--merge {}: only SQLite files can be merged", f);
    if (!std::filesystem::is_regular_file(f)) fail("--merge: '{}' is not a file", f);
  }
  std::size_t total = 0;
  for (const auto& f : files) {
    auto rows = bench::ResultsDb(f).query({});
    for (auto& r : rows) r.erase("id");
    const std::size_t added = into.import_rows(rows);
    fmt::print("merged {}: {} row(s) added, {} already present\n", f, added, rows.size() - added);
    total += added;
  }
  fmt::print("{} row(s) added to {}\n", total, into.location());
}

void print_row(const nlohmann::json& f) {
  auto num = [&](const char* k) {
    return f.contains(k) && !f[k].is_null() ? f[k].get<double>() : 0.0;
  };
  std::string model = f.value("model", "");
  if (model.size() > 24) model = "..." + model.substr(model.size() - 21);
  fmt::print("{:>5} {:<20} {:<10} {:<12} {:<14} {:<24} {:>4} {:>5} {:>12.2f} {:>10.3f} {:>10.3f}\n",
             f.value("id", std::int64_t{0}), f.value("time", ""), f.value("kind", ""),
             f.value("backend", ""), f.value("scenario", ""), model,
             f.contains("repetition") ? std::to_string(f["repetition"].get<int>()) : "-",
             f.value("batch", 0), num("throughput_fps"), num("latency_p50_ms"),
             num("latency_p99_ms"));
}

// The table, one section per CPU model (rows from a fleet of nodes of several CPU types).
void print_table(const std::vector<nlohmann::json>& rows, const std::string& where) {
  std::map<std::string, std::vector<nlohmann::json>> by_cpu;
  std::map<std::string, std::set<std::string>> hosts;
  for (const auto& r : rows) {
    const auto fp = r.value("fingerprint", nlohmann::json::object());
    const std::string cpu = fp.value("cpu_model", std::string("unknown CPU"));
    by_cpu[cpu].push_back(bench::flat_summary(r));
    hosts[cpu].insert(fp.value("hostname", std::string("?")));
  }
  for (const auto& [cpu, flat] : by_cpu) {
    fmt::print("== {} ({} row(s); host(s): {})\n", cpu, flat.size(), fmt::join(hosts[cpu], ", "));
    fmt::print("{:>5} {:<20} {:<10} {:<12} {:<14} {:<24} {:>4} {:>5} {:>12} {:>10} {:>10}\n", "id",
               "time", "kind", "backend", "scenario", "model", "rep", "batch", "samples/s",
               "p50 ms", "p99 ms");
    for (const auto& f : flat) print_row(f);
  }
  fmt::print("{} row(s) in {}\n", rows.size(), where);
}

void run(const ResultsOptions& o) {
  if (o.csv && o.json) fail("give --csv or --json, not both");
  const std::string location = bench::resolve_store_location(o.db);
  if (!bench::is_postgres_url(location) && o.merge.empty() && !std::filesystem::exists(location))
    fail("results database '{}' does not exist", location);
  auto db = bench::open_results_store(location);
  if (!o.merge.empty()) {
    merge(*db, o.merge);
    return;
  }
  if (o.integrity) {
    const std::string r = db->integrity_check();
    fmt::print("integrity_check: {}\n", r);
    if (r != "ok") throw Exit{1};
    return;
  }
  const auto rows = db->query(o.filters);
  if (o.json) {
    fmt::print("{}\n", nlohmann::json(rows).dump(2));
    return;
  }
  if (o.csv) {
    std::vector<nlohmann::json> flat;
    for (const auto& r : rows) flat.push_back(bench::flat_summary(r));
    fmt::print("{}", bench::to_csv(flat));
    return;
  }
  print_table(rows, db->location());
}

void setup_results(CLI::App& root) {
  auto o = std::make_shared<ResultsOptions>();
  auto* cmd = root.add_subcommand("results", "List, export or merge recorded benchmark results");
  cmd->add_option("--db", o->db,
                  "results store: a SQLite file or postgresql://... (default $INFERLAB_DB, else "
                  "results.db)");
  cmd->add_option("--filter", o->filters,
                  "COLUMN=VALUE or COLUMN~SUBSTRING (repeatable; columns: id, time, kind, "
                  "backend, model, scenario, batch, streams, threads, precision, repetition, "
                  "run_id, ...)");
  cmd->add_flag("--csv", o->csv, "export as CSV");
  cmd->add_flag("--json", o->json, "export as JSON (full records)");
  cmd->add_flag("--integrity-check", o->integrity,
                "check the store (SQLite: its integrity check; PostgreSQL: every record parses)");
  cmd->add_option("--merge", o->merge,
                  "import these SQLite files into the store (one transaction per file; rows "
                  "already present are skipped)");
  cmd->callback([o] { run(*o); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_results);
}  // namespace inferlab::cli
