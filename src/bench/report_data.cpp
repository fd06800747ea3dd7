// Extraction of a report's tables from results-store rows.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "inferlab/lab/html_report.h"
#include "ir/error.h"

namespace inferlab::bench {
namespace {

std::string base_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// The CPU model that measured a row (its fingerprint); "" when the row has none.
std::string cpu_of(const nlohmann::json& r) {
  const auto fp = r.find("fingerprint");
  if (fp == r.end() || !fp->is_object()) return "";
  return fp->value("cpu_model", std::string("unknown CPU"));
}

// Results from several CPU models (a study over a fleet) are told apart by a CPU prefix.
std::string on_cpu(const ReportData& d, const std::string& cpu, const std::string& sep) {
  return d.machines.size() > 1 && !cpu.empty() ? cpu + sep : std::string();
}

// One row per CPU model with the hosts that measured on it, in order of first appearance.
void collect_machines(ReportData& d, const std::vector<nlohmann::json>& rows) {
  std::map<std::string, std::set<std::string>> hosts;
  std::map<std::string, int> count;
  std::vector<std::string> order;
  for (const auto& r : rows) {
    const std::string cpu = cpu_of(r);
    if (cpu.empty()) continue;
    if (!count.count(cpu)) order.push_back(cpu);
    ++count[cpu];
    hosts[cpu].insert(r["fingerprint"].value("hostname", std::string("?")));
  }
  for (const auto& cpu : order) {
    std::string h;
    for (const auto& x : hosts[cpu]) h += (h.empty() ? "" : ", ") + x;
    d.machines.push_back({{"cpu_model", cpu}, {"hosts", h}, {"rows", count[cpu]}});
  }
}

void add_sweep(ReportData& d, const nlohmann::json& r) {
  const auto& p = r.at("sweep_point");
  const auto& pt = p.at("point");
  auto axis = [](int v) { return v == 0 ? std::string("auto") : std::to_string(v); };
  const std::string model = base_name(r.value("model", "?"));
  const std::string cpu = cpu_of(r), backend = pt.at("backend");
  nlohmann::json row = {{"backend", backend},
                        {"series", on_cpu(d, cpu, ": ") + backend},
                        {"cpu", cpu},
                        {"precision", pt.at("precision")},
                        {"model", model},
                        {"sweep_id", r.value("sweep_id", "")},
                        {"config", fmt::format("{}{} {}/{} s{} t{}", on_cpu(d, cpu, ": "), model,
                                               backend, pt.at("precision").get<std::string>(),
                                               axis(pt.at("streams")), axis(pt.at("threads")))},
                        {"batch", pt.at("batch")},
                        {"key", pt.at("key")},
                        {"status", p.at("status")},
                        {"reason", p.value("reason", "")},
                        {"throughput_fps", p.value("throughput_fps", 0.0)},
                        {"ci95_low", p.at("ci95_fps").at(0)},
                        {"ci95_high", p.at("ci95_fps").at(1)},
                        {"p50_ms", p.value("p50_ms", 0.0)},
                        {"p90_ms", p.value("p90_ms", 0.0)},
                        {"p99_ms", p.value("p99_ms", 0.0)}};
  // A configuration measured by several sweeps on one CPU model: the newest row stands.
  for (auto& old : d.sweep)
    if (old["model"] == model && old["key"] == row["key"] && old["cpu"] == cpu) {
      old = row;
      return;
    }
  d.sweep.push_back(row);
}

void mark_pareto(ReportData& d) {
  std::vector<nlohmann::json> m;
  for (const auto& r : d.sweep)
    if (r["status"] == "measured") m.push_back(r);
  std::sort(m.begin(), m.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["p90_ms"] != b["p90_ms"]
               ? a["p90_ms"].get<double>() < b["p90_ms"].get<double>()
               : a["throughput_fps"].get<double>() > b["throughput_fps"].get<double>();
  });
  std::map<std::string, double> best;
  for (auto& r : m) {
    const std::string b = r["series"];  // a front per backend (and CPU model)
    const double x = r["throughput_fps"];
    r["pareto"] = !best.count(b) || x > best[b];
    if (r["pareto"]) best[b] = x;
    d.pareto.push_back(r);
  }
}

// Each backend at its best throughput configuration of the newest sweep joins the comparison
// (per CPU model when the results come from several).
void add_sweep_bests(ReportData& d) {
  std::map<std::string, nlohmann::json> best;
  for (const auto& r : d.sweep) {
    if (r["status"] != "measured") continue;
    const std::string b = r["series"];
    if (!best.count(b) ||
        r["throughput_fps"].get<double>() > best[b]["throughput_fps"].get<double>())
      best[b] = r;
  }
  for (const auto& [b, r] : best)
    d.comparison.push_back(
        {{"label", on_cpu(d, r["cpu"], ": ") + "sweep best " + r["key"].get<std::string>()},
         {"backend", r["backend"]},
         {"cpu", r["cpu"]},
         {"throughput_fps", r["throughput_fps"]},
         {"ci95_low", r["ci95_low"]},
         {"ci95_high", r["ci95_high"]},
         {"p90_ms", r["p90_ms"]},
         {"p99_ms", r["p99_ms"]}});
}

void add_summary(ReportData& d, const nlohmann::json& r) {
  const auto ci = r.value("ci95_fps", nlohmann::json::array({0, 0}));
  const std::string label =
      fmt::format("{}{} {} {} b{} {}x{} {}", on_cpu(d, cpu_of(r), ": "), r.value("backend", "?"),
                  base_name(r.value("model", "?")), r.value("scenario", "?"), r.value("batch", 0),
                  r.value("streams", 0), r.value("threads", 0), r.value("precision", ""));
  d.comparison.push_back({{"label", label},
                          {"backend", r.value("backend", "?")},
                          {"model", r.value("model", "?")},
                          {"throughput_fps", r.value("throughput_fps", 0.0)},
                          {"ci95_low", ci.at(0)},
                          {"ci95_high", ci.at(1)},
                          {"p90_ms", r.value("/latency_ms/p90"_json_pointer, 0.0)},
                          {"p99_ms", r.value("/latency_ms/p99"_json_pointer, 0.0)},
                          {"time", r.value("time", "")}});
  nlohmann::json v = {{"label", label}};
  if (r.contains("validity")) v.update(r["validity"]);
  if (r.contains("early_stopping")) {
    const auto& e = r["early_stopping"];
    v["p90_early_stop_ms"] = e.value("/p90/estimate_ms"_json_pointer, nlohmann::json());
    v["p99_early_stop_ms"] = e.value("/p99/estimate_ms"_json_pointer, nlohmann::json());
  }
  d.validity.push_back(v);
}

void add_roofline(ReportData& d, const nlohmann::json& r) {
  d.roofline = r;
  d.roofline_cpu = cpu_of(r);
  d.layers.clear();
  for (const auto& l : r.at("layers")) d.layers.push_back(l);
  d.bandwidth.clear();
  for (const auto& p : r.at("ceilings").at("sweep")) d.bandwidth.push_back(p);
}

}  // namespace

ReportData collect_report_data(const std::vector<nlohmann::json>& rows, const std::string& db_path,
                               const std::string& sweep_filter) {
  if (rows.empty())
    fail("results database {} holds no results: run bench, sweep, scale or roofline first",
         db_path);
  ReportData d;
  d.sweep_id = sweep_filter.empty() ? "(every sweep in the database)" : sweep_filter;
  collect_machines(d, rows);
  // The newest scaling run of each CPU model.
  std::map<std::string, std::string> scale_ids;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it)
    if (it->value("kind", "") == "scale_point")
      scale_ids.emplace(cpu_of(*it), it->value("run_id", ""));
  for (const auto& [cpu, id] : scale_ids) d.scale_id += (d.scale_id.empty() ? "" : ", ") + id;
  std::set<std::string> seen_cmd, seen_inputs;
  for (const auto& r : rows) {
    if (r.contains("fingerprint") && r["fingerprint"].is_object()) {
      d.fingerprint = r["fingerprint"];
      const std::string cmd = r["fingerprint"].value("command", "");
      if (!cmd.empty() && seen_cmd.insert(cmd).second) d.commands.push_back(cmd);
    }
    if (r.contains("inputs") && r["inputs"].is_object()) {
      const std::string in = r["inputs"].value("description", "");
      if (!in.empty() && seen_inputs.insert(in).second) d.inputs.push_back(in);
    }
    const std::string kind = r.value("kind", "");
    if (kind == "sweep_point" && (sweep_filter.empty() || r.value("sweep_id", "") == sweep_filter))
      add_sweep(d, r);
    else if (kind == "scale_point" && r.value("run_id", "") == scale_ids[cpu_of(r)]) {
      d.scale.push_back(r.at("scale_point"));
      d.scale.back()["cpu"] = cpu_of(r);
    } else if (kind == "summary" && !r.contains("sweep_id") && !r.contains("scale_id"))
      add_summary(d, r);
    else if (kind == "roofline")
      add_roofline(d, r);
    else if (kind == "accuracy")
      d.accuracy.push_back(r.value("accuracy", r));
  }
  if (!sweep_filter.empty() && d.sweep.empty())
    fail("results database {} holds no sweep {}", db_path, sweep_filter);
  mark_pareto(d);
  add_sweep_bests(d);
  if (d.inputs.empty()) d.inputs.push_back("random (seeded) unless a row says otherwise");
  return d;
}

}  // namespace inferlab::bench
