#pragma once
// Machine-readable results (--json, --csv, the results store) and the text summary.
#include <nlohmann/json.hpp>
#include <string>

#include "inferlab/lab/scenario.h"

namespace inferlab::bench {

// What a result says besides the statistics: the system measured and where.
struct RunMeta {
  std::string backend, backend_version, model, precision;
  // Layers per precision actually run, e.g. "bf16: 53 layers, f32: 2 layers (Softmax_0, ...)";
  // empty where the backend does not say (peers run f32 only).
  std::string precision_layers;
  int batch = 1, streams = 1, threads = 1, nireq = 1;
  nlohmann::json settings;  // the backend's effective settings
  double compile_ms = 0, peak_rss_mb = 0;
  nlohmann::json fingerprint;
  nlohmann::json layers;  // per-layer counters (native), or null
  std::string run_id;
};

nlohmann::json latency_json(const LatencySummary& l);
// The full result of a scenario run (documented in docs/metrics.md).
nlohmann::json result_json(const ScenarioResult& r, const RunMeta& m);
// One results-store row for a completed repetition or peak trial.
nlohmann::json repetition_row(const RepetitionResult& r, const ScenarioConfig& c, const RunMeta& m);

// CSV with a header; `rows` are flat JSON objects (nested values are dumped as JSON text).
std::string to_csv(const std::vector<nlohmann::json>& rows);
// A flat summary row of a result (the --csv columns).
nlohmann::json flat_summary(const nlohmann::json& result);

std::string iso_time_now();

}  // namespace inferlab::bench
