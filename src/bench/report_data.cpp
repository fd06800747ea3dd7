// Extraction of a report's tables from results-store rows.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "bench/html_report.h"
#include "ir/error.h"

namespace inferlab::bench {
namespace {

std::string base_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// The newest value of `field` among rows of `kind` (rows are oldest first).
std::string newest(const std::vector<nlohmann::json>& rows, const std::string& kind,
                   const std::string& field) {
  for (auto it = rows.rbegin(); it != rows.rend(); ++it)
    if (it->value("kind", "") == kind && it->contains(field) && (*it)[field].is_string())
      return (*it)[field];
  return "";
}

void add_sweep(ReportData& d, const nlohmann::json& r) {
  const auto& p = r.at("sweep_point");
  const auto& pt = p.at("point");
  auto axis = [](int v) { return v == 0 ? std::string("auto") : std::to_string(v); };
  nlohmann::json row = {{"backend", pt.at("backend")},
                        {"precision", pt.at("precision")},
                        {"config", fmt::format("{}/{} s{} t{}", pt.at("backend").get<std::string>(),
                                               pt.at("precision").get<std::string>(),
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
    const std::string b = r["backend"];
    const double x = r["throughput_fps"];
    r["pareto"] = !best.count(b) || x > best[b];
    if (r["pareto"]) best[b] = x;
    d.pareto.push_back(r);
  }
}

// Each backend at its best throughput configuration of the newest sweep joins the comparison.
void add_sweep_bests(ReportData& d) {
  std::map<std::string, nlohmann::json> best;
  for (const auto& r : d.sweep) {
    if (r["status"] != "measured") continue;
    const std::string b = r["backend"];
    if (!best.count(b) ||
        r["throughput_fps"].get<double>() > best[b]["throughput_fps"].get<double>())
      best[b] = r;
  }
  for (const auto& [b, r] : best)
    d.comparison.push_back({{"label", "sweep best " + r["key"].get<std::string>()},
                            {"backend", b},
                            {"throughput_fps", r["throughput_fps"]},
                            {"ci95_low", r["ci95_low"]},
                            {"ci95_high", r["ci95_high"]},
                            {"p90_ms", r["p90_ms"]},
                            {"p99_ms", r["p99_ms"]}});
}

void add_summary(ReportData& d, const nlohmann::json& r) {
  const auto ci = r.value("ci95_fps", nlohmann::json::array({0, 0}));
  const std::string label =
      fmt::format("{} {} {} b{} {}x{} {}", r.value("backend", "?"),
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
  d.layers.clear();
  for (const auto& l : r.at("layers")) d.layers.push_back(l);
  d.bandwidth.clear();
  for (const auto& p : r.at("ceilings").at("sweep")) d.bandwidth.push_back(p);
}

}  // namespace

ReportData collect_report_data(const std::vector<nlohmann::json>& rows,
                               const std::string& db_path) {
  if (rows.empty())
    fail("results database {} holds no results: run bench, sweep, scale or roofline first",
         db_path);
  ReportData d;
  d.sweep_id = newest(rows, "sweep_point", "sweep_id");
  d.scale_id = newest(rows, "scale_point", "run_id");
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
    if (kind == "sweep_point" && r.value("sweep_id", "") == d.sweep_id)
      add_sweep(d, r);
    else if (kind == "scale_point" && r.value("run_id", "") == d.scale_id)
      d.scale.push_back(r.at("scale_point"));
    else if (kind == "summary" && !r.contains("sweep_id") && !r.contains("scale_id"))
      add_summary(d, r);
    else if (kind == "roofline")
      add_roofline(d, r);
    else if (kind == "accuracy")
      d.accuracy.push_back(r.value("accuracy", r));
  }
  mark_pareto(d);
  add_sweep_bests(d);
  if (d.inputs.empty()) d.inputs.push_back("random (seeded) unless a row says otherwise");
  return d;
}

}  // namespace inferlab::bench
