#include "inferlab/lab/report.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <set>

namespace inferlab::bench {

std::string iso_time_now() {
  const auto now = std::chrono::system_clock::now();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
}

nlohmann::json latency_json(const LatencySummary& l) {
  return {{"count", l.count}, {"min", l.min}, {"mean", l.mean}, {"p50", l.p50},
          {"p90", l.p90},     {"p99", l.p99}, {"max", l.max}};
}

namespace {

nlohmann::json common(const RunMeta& m, const ScenarioConfig& c) {
  return {{"backend", m.backend},
          {"backend_version", m.backend_version},
          {"model", m.model},
          {"batch", m.batch},
          {"streams", m.streams},
          {"threads", m.threads},
          {"nireq", m.nireq},
          {"precision", m.precision},
          {"precision_layers", m.precision_layers},
          {"scenario", scenario_name(c.scenario)},
          {"settings", m.settings},
          {"run_id", m.run_id}};
}

// LoadGen's early-stopping estimates of p90 and p99 over every measured latency (docs/metrics.md).
nlohmann::json early_stopping_json(const ScenarioResult& r) {
  nlohmann::json j = {{"confidence", 0.99}};
  for (double p : {90.0, 99.0}) {
    const EarlyStopEstimate e = early_stopping_estimate(r.latency_counts, p);
    j[fmt::format("p{:.0f}", p)] = {
        {"enough_queries", e.enough},
        {"estimate_ms", e.enough ? nlohmann::json(e.latency_ms) : nlohmann::json()},
        {"overlatency", e.overlatency},
        {"min_queries", e.min_queries}};
  }
  return j;
}

// Whether every repetition ran its minimum duration and query count, as LoadGen states.
nlohmann::json validity_json(const ScenarioResult& r) {
  const auto& c = r.config;
  bool duration_met = true, queries_met = true;
  for (const auto& rep : r.repetitions) {
    duration_met = duration_met && rep.record.measured.wall_s >= c.duration_s;
    queries_met = queries_met && rep.latency.count >= c.iterations;
  }
  nlohmann::json j = {{"min_duration_s", c.duration_s},
                      {"min_duration_met", duration_met},
                      {"min_queries", c.iterations},
                      {"min_queries_met", queries_met}};
  if (c.scenario == Scenario::server && c.latency_bound_ms > 0)
    j["server_result"] = r.bound_met ? "VALID" : "INVALID";
  return j;
}

}  // namespace

nlohmann::json result_json(const ScenarioResult& r, const RunMeta& m) {
  const auto& c = r.config;
  nlohmann::json j = common(m, c);
  j["kind"] = "summary";
  j["time"] = iso_time_now();
  j["throughput_fps"] = r.throughput.median;
  j["throughput_mean_fps"] = r.throughput.mean;
  j["ci95_fps"] = {r.throughput.ci95_low, r.throughput.ci95_high};
  j["cv"] = r.throughput.cv;
  j["spread_warning"] = r.spread_warning();
  j["latency_ms"] = latency_json(r.latency);
  j["headline_latency_ms"] = r.headline_latency_ms();
  j["repetitions"] = c.repetitions;
  j["per_repetition"] = nlohmann::json::array();
  for (const auto& rep : r.repetitions) {
    j["per_repetition"].push_back({{"throughput_fps", rep.throughput_fps},
                                   {"wall_s", rep.record.measured.wall_s},
                                   {"samples", rep.record.measured.samples},
                                   {"latency_ms", latency_json(rep.latency)},
                                   {"bound_met", rep.bound_met}});
  }
  j["first_inference_ms"] = r.first_inference_ms;
  j["warmup_ms"] = latency_json(r.warmup);
  j["compile_ms"] = m.compile_ms;
  j["peak_rss_mb"] = m.peak_rss_mb;
  j["config"] = {{"iterations", c.iterations},
                 {"duration_s", c.duration_s},
                 {"warmup", c.warmup},
                 {"in_flight", c.in_flight},
                 {"samples_per_query", c.samples_per_query},
                 {"sample_count", c.sample_count},
                 {"seed", c.seed}};
  if (c.scenario == Scenario::server) {
    j["server"] = {{"rate_qps", r.repetitions.front().rate_qps},
                   {"latency_bound_ms", c.latency_bound_ms},
                   {"bound_met", r.bound_met},
                   {"find_peak", c.find_peak},
                   {"peak_rate_qps", r.peak_rate_qps},
                   {"max_outstanding", server_max_outstanding(c.in_flight)},
                   {"valid", r.invalid_reason.empty()},
                   {"invalid_reason", r.invalid_reason}};
    j["server"]["trials"] = nlohmann::json::array();
    for (const auto& t : r.peak_trials)
      j["server"]["trials"].push_back(
          {{"rate_qps", t.rate_qps}, {"p99_ms", t.latency.p99}, {"bound_met", t.bound_met}});
  }
  if (c.scenario == Scenario::multi_stream) j["samples_per_query"] = c.samples_per_query;
  if (!m.layers.is_null()) j["layers"] = m.layers;
  j["early_stopping"] = early_stopping_json(r);
  j["validity"] = validity_json(r);
  j["fingerprint"] = m.fingerprint;
  return j;
}

nlohmann::json repetition_row(const RepetitionResult& r, const ScenarioConfig& c,
                              const RunMeta& m) {
  nlohmann::json j = common(m, c);
  j["kind"] = r.kind;
  j["time"] = iso_time_now();
  j["repetition"] = r.index;
  j["throughput_fps"] = r.throughput_fps;
  j["p50_ms"] = r.latency.p50;
  j["p90_ms"] = r.latency.p90;
  j["p99_ms"] = r.latency.p99;
  j["mean_ms"] = r.latency.mean;
  j["latency_ms"] = latency_json(r.latency);
  j["first_inference_ms"] = r.record.first_inference_ms;
  j["warmup_ms"] = latency_json(r.warmup);
  j["wall_s"] = r.record.measured.wall_s;
  j["samples"] = r.record.measured.samples;
  j["compile_ms"] = m.compile_ms;
  if (c.scenario == Scenario::server) {
    j["rate_qps"] = r.rate_qps;
    j["latency_bound_ms"] = c.latency_bound_ms;
    j["bound_met"] = r.bound_met;
    j["valid"] = r.invalid_reason.empty();
    j["invalid_reason"] = r.invalid_reason;
  }
  j["config"] = {{"iterations", c.iterations},
                 {"duration_s", c.duration_s},
                 {"warmup", c.warmup},
                 {"in_flight", c.in_flight},
                 {"samples_per_query", c.samples_per_query},
                 {"seed", c.seed}};
  j["fingerprint"] = m.fingerprint;
  return j;
}

nlohmann::json flat_summary(const nlohmann::json& r) {
  nlohmann::json f;
  for (const char* k : {"id",         "time",
                        "kind",       "run_id",
                        "backend",    "backend_version",
                        "model",      "scenario",
                        "batch",      "streams",
                        "threads",    "nireq",
                        "precision",  "precision_layers",
                        "repetition", "throughput_fps",
                        "cv",         "first_inference_ms",
                        "compile_ms", "peak_rss_mb"})
    if (r.contains(k)) f[k] = r[k];
  if (r.contains("ci95_fps")) {
    f["ci95_low_fps"] = r["ci95_fps"][0];
    f["ci95_high_fps"] = r["ci95_fps"][1];
  }
  if (r.contains("latency_ms"))
    for (const char* k : {"min", "mean", "p50", "p90", "p99", "max"})
      f[std::string("latency_") + k + "_ms"] = r["latency_ms"][k];
  if (r.contains("server")) {
    f["rate_qps"] = r["server"]["rate_qps"];
    f["bound_met"] = r["server"]["bound_met"];
  } else if (r.contains("rate_qps")) {
    f["rate_qps"] = r["rate_qps"];
    f["bound_met"] = r.value("bound_met", true);
  }
  if (r.contains("fingerprint")) {
    f["cpu_model"] = r["fingerprint"].value("cpu_model", "");
    f["command"] = r["fingerprint"].value("command", "");
  }
  return f;
}

std::string to_csv(const std::vector<nlohmann::json>& rows) {
  std::vector<std::string> cols;
  std::set<std::string> seen;
  for (const auto& r : rows)
    for (const auto& [k, v] : r.items())
      if (seen.insert(k).second) cols.push_back(k);
  auto cell = [](const nlohmann::json& v) {
    std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
    if (s.find_first_of(",\"\n") != std::string::npos) {
      std::string q = "\"";
      for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      s = q + "\"";
    }
    return s;
  };
  std::string out;
  for (std::size_t i = 0; i < cols.size(); ++i) out += (i ? "," : "") + cols[i];
  out += "\n";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i) out += ",";
      if (r.contains(cols[i])) out += cell(r[cols[i]]);
    }
    out += "\n";
  }
  return out;
}

}  // namespace inferlab::bench
