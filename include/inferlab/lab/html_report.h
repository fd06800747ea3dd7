#pragma once
// `inferlab report`: one self-contained HTML file from results.db (Vega-Lite charts, the
// libraries inlined from third_party/node so it opens offline) and every number it shows
// exported as CSV and JSON next to it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace inferlab::bench {

// The tables a report draws, extracted from database rows (sweeps, the latest scale run per CPU
// model and the latest roofline; every standalone bench/compare summary; accuracy rows).
struct ReportData {
  nlohmann::json fingerprint;         // of the newest row
  std::vector<std::string> commands;  // distinct exact command lines, oldest first
  std::vector<std::string> inputs;    // how sample libraries were filled (random / dataset)
  std::vector<nlohmann::json> comparison, sweep, pareto, scale, layers, bandwidth, accuracy;
  std::vector<nlohmann::json> validity;  // per summary: min duration/queries met, early stopping
  nlohmann::json roofline;               // ceilings, layers, network (null when absent)
  std::string sweep_id, scale_id, roofline_cpu;
  // Per CPU model (from the rows' fingerprints): its hosts and row count. With more than one
  // (a study over a fleet), sweep, comparison and scaling entries carry their CPU model.
  std::vector<nlohmann::json> machines;
};
// Throws Error when `rows` is empty (naming `db_path`). Sweeps: every sweep's points (the
// newest row per model and configuration), or only sweep `sweep_filter` when given.
ReportData collect_report_data(const std::vector<nlohmann::json>& rows, const std::string& db_path,
                               const std::string& sweep_filter = "");

// vega, vega-lite and vega-embed (minified) concatenated; throws Error naming what is missing.
std::string load_chart_library(const std::string& node_modules_dir);
// INFERLAB_NODE_MODULES, else the source tree's third_party/node/node_modules.
std::string default_node_modules();

// The Vega-Lite specs, by chart id (only charts with data).
nlohmann::json chart_specs(const ReportData& d);
std::string render_html(const ReportData& d, const std::string& chart_library);
// Writes one CSV and one JSON per table into `dir` (created); returns the files written.
std::vector<std::string> write_exports(const ReportData& d, const std::string& dir);

}  // namespace inferlab::bench
