// Vega-Lite specifications of the report's charts. Each takes its table from ReportData; a
// chart whose table is empty is left out (the page says so).
#include <algorithm>
#include <cmath>
#include <set>

#include "inferlab/lab/html_report.h"

namespace inferlab::bench {
namespace {

using nlohmann::json;

json base(const std::string& title, const std::vector<json>& values) {
  return {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
          {"title", title},
          {"width", 640},
          {"data", {{"values", values}}}};
}

json comparison(const ReportData& d) {
  json s =
      base("Throughput per configuration (median; whiskers: 95% CI of the mean)", d.comparison);
  s["height"] = 30 * static_cast<int>(d.comparison.size()) + 40;
  s["encoding"] = {
      {"y", {{"field", "label"}, {"type", "nominal"}, {"sort", nullptr}, {"title", ""}}}};
  s["layer"] = json::array(
      {{{"mark", "bar"},
        {"encoding",
         {{"x", {{"field", "throughput_fps"}, {"type", "quantitative"}, {"title", "samples/s"}}},
          {"color", {{"field", "backend"}, {"type", "nominal"}}}}}},
       {{"mark", {{"type", "rule"}, {"color", "black"}}},
        {"encoding",
         {{"x", {{"field", "ci95_low"}, {"type", "quantitative"}}},
          {"x2", {{"field", "ci95_high"}}}}}}});
  return s;
}

json heatmap(const ReportData& d) {
  std::vector<json> m;
  for (const auto& r : d.sweep)
    if (r["status"] == "measured") m.push_back(r);
  json s = base("Sweeps: throughput (samples/s) by configuration and batch", m);
  std::set<std::string> configs;
  for (const auto& r : m) configs.insert(r["config"].get<std::string>());
  s["height"] = 24 * static_cast<int>(configs.size()) + 20;
  s["encoding"] = {{"x", {{"field", "batch"}, {"type", "ordinal"}}},
                   {"y", {{"field", "config"}, {"type", "nominal"}, {"title", ""}}}};
  s["layer"] = json::array(
      {{{"mark", "rect"},
        {"encoding",
         {{"color",
           {{"field", "throughput_fps"}, {"type", "quantitative"}, {"title", "samples/s"}}}}}},
       {{"mark", {{"type", "text"}, {"fontSize", 11}}},
        {"encoding",
         {{"text", {{"field", "throughput_fps"}, {"type", "quantitative"}, {"format", ".1f"}}}}}}});
  return s;
}

json pareto(const ReportData& d) {
  json s = base("Sweep: throughput vs p90 latency (line: Pareto front per backend and CPU model)",
                d.pareto);
  s["height"] = 320;
  const json x = {{"field", "p90_ms"}, {"type", "quantitative"}, {"title", "p90 latency (ms)"}};
  const json y = {{"field", "throughput_fps"}, {"type", "quantitative"}, {"title", "samples/s"}};
  s["layer"] = json::array(
      {{{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
        {"encoding",
         {{"x", x},
          {"y", y},
          {"color", {{"field", "series"}, {"type", "nominal"}}},
          {"tooltip",
           {{{"field", "key"}}, {{"field", "throughput_fps"}}, {{"field", "p90_ms"}}}}}}},
       {{"transform", {{{"filter", "datum.pareto"}}}},
        {"mark", {{"type", "line"}, {"point", true}}},
        {"encoding",
         {{"x", x},
          {"y", y},
          {"color", {{"field", "series"}, {"type", "nominal"}}},
          {"order", {{"field", "p90_ms"}}}}}}});
  return s;
}

json scaling(const ReportData& d) {
  std::vector<json> v;
  int max_cores = 1;
  for (const auto& p : d.scale) {
    if (p.value("failed", false)) continue;
    v.push_back(
        {{"cores", p["cores"]},
         {"speedup", p["speedup"]},
         {"series", (d.machines.size() > 1 ? p.value("cpu", "") + ": " : "") +
                        p["backend"].get<std::string>() + " " + p["mode"].get<std::string>()}});
    max_cores = std::max(max_cores, p["cores"].get<int>());
  }
  for (int k = 1; k <= max_cores; ++k)
    v.push_back({{"cores", k}, {"speedup", k}, {"series", "ideal S(k) = k"}});
  json s = base("Core scaling: speedup S(k) = X(k) / X(1)", v);
  s["height"] = 300;
  s["mark"] = {{"type", "line"}, {"point", true}};
  s["encoding"] = {
      {"x", {{"field", "cores"}, {"type", "quantitative"}, {"axis", {{"tickMinStep", 1}}}}},
      {"y", {{"field", "speedup"}, {"type", "quantitative"}, {"title", "speedup"}}},
      {"color", {{"field", "series"}, {"type", "nominal"}}},
      {"strokeDash",
       {{"condition", {{"test", "datum.series == 'ideal S(k) = k'"}, {"value", {4, 4}}}},
        {"value", {1, 0}}}}};
  return s;
}

// Ceilings as polylines over intensity 0.01 .. 1000: min(peak, I x bandwidth) per memory level
// under the FP32 roof, and the BF16/INT8 compute roofs as flat lines where they were measured.
std::vector<json> ceiling_lines(const json& c, int threads) {
  std::vector<json> v;
  const double peak = c.value("fp32_core_gflops", 0.0) * threads;
  for (const auto& [level, bw0] : c.at("bandwidth_gbs").items()) {
    const bool priv = level == "L1" || level == "L2";
    const double bw = bw0.get<double>() * (priv ? threads : 1);
    if (bw <= 0) continue;
    const std::string name = level + " " + std::to_string(static_cast<int>(bw)) + " GB/s";
    const double ridge = peak / bw;
    for (double i : {0.01, ridge, 1000.0})
      v.push_back({{"intensity", i}, {"gflops", std::min(peak, i * bw)}, {"ceiling", name}});
  }
  for (const auto& [key, label] : {std::pair{"bf16_core_gflops", "BF16 peak"},
                                   std::pair{"int8_core_gops", "INT8 peak (GOP/s)"}}) {
    const double p = c.value(key, 0.0) * threads;
    if (p <= 0) continue;
    for (double i : {0.01, 1000.0})
      v.push_back({{"intensity", i}, {"gflops", p}, {"ceiling", label}});
  }
  return v;
}

json roofline(const ReportData& d) {
  const json& r = d.roofline;
  const int threads = r.value("threads", 1);
  std::vector<json> dots;
  for (const auto& l : d.layers)
    if (l.value("flops", 0.0) > 0 && l.value("time_ms", 0.0) > 0) dots.push_back(l);
  std::sort(dots.begin(), dots.end(), [](const json& a, const json& b) {
    return a["time_share"].get<double>() > b["time_share"].get<double>();
  });
  for (std::size_t i = 0; i < dots.size(); ++i) dots[i]["label"] = i < 6 ? dots[i]["name"] : "";
  json net = r.at("network");
  json s = {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
            {"title", "Roofline (" + r.value("precision", std::string("f32")) + ", " +
                          std::to_string(threads) +
                          " thread(s)): layers sized by "
                          "time share"},
            {"width", 640},
            {"height", 420}};
  const json x = {{"field", "intensity"},
                  {"type", "quantitative"},
                  {"scale", {{"type", "log"}}},
                  {"title", "arithmetic intensity (FLOP/byte)"}};
  const json y = {{"field", "gflops"},
                  {"type", "quantitative"},
                  {"scale", {{"type", "log"}}},
                  {"title", "GFLOP/s"}};
  json yd = y;
  yd["field"] = "attained_gflops";
  s["layer"] = json::array(
      {{{"data", {{"values", ceiling_lines(r.at("ceilings"), threads)}}},
        {"mark", "line"},
        {"encoding", {{"x", x}, {"y", y}, {"color", {{"field", "ceiling"}, {"type", "nominal"}}}}}},
       {{"data", {{"values", dots}}},
        {"mark", {{"type", "circle"}, {"opacity", 0.7}}},
        {"encoding",
         {{"x", x},
          {"y", yd},
          {"size", {{"field", "time_share"}, {"type", "quantitative"}, {"title", "time share"}}},
          {"tooltip",
           {{{"field", "name"}}, {{"field", "verdict"}}, {{"field", "percent_of_roof"}}}}}}},
       {{"data", {{"values", dots}}},
        {"mark", {{"type", "text"}, {"align", "left"}, {"dx", 6}, {"fontSize", 10}}},
        {"encoding", {{"x", x}, {"y", yd}, {"text", {{"field", "label"}}}}}},
       {{"data", {{"values", json::array({net})}}},
        {"mark", {{"type", "point"}, {"shape", "diamond"}, {"size", 200}, {"color", "black"}}},
        {"encoding", {{"x", x}, {"y", yd}}}}});
  return s;
}

json breakdown(const ReportData& d) {
  std::vector<json> top = d.layers;
  std::sort(top.begin(), top.end(), [](const json& a, const json& b) {
    return a["time_ms"].get<double>() > b["time_ms"].get<double>();
  });
  if (top.size() > 25) top.resize(25);
  json s = base("Per-layer time (ms per inference), 25 heaviest layers", top);
  s["height"] = 16 * static_cast<int>(top.size()) + 20;
  s["mark"] = "bar";
  s["encoding"] = {{"y", {{"field", "name"}, {"type", "nominal"}, {"sort", "-x"}, {"title", ""}}},
                   {"x", {{"field", "time_ms"}, {"type", "quantitative"}, {"title", "ms"}}},
                   {"color", {{"field", "verdict"}, {"type", "nominal"}}}};
  return s;
}

json bandwidth(const ReportData& d) {
  std::vector<json> v;
  for (const auto& p : d.bandwidth) {
    const double kib = p["working_set_bytes"].get<double>() / 1024;
    v.push_back({{"kib", kib}, {"gbs", p["read_gbs"]}, {"kernel", "read"}});
    v.push_back({{"kib", kib}, {"gbs", p["read_write_gbs"]}, {"kernel", "read-write"}});
  }
  json s = base("Bandwidth of one core by working set (plateaus: L1, L2, L3, DRAM)", v);
  s["height"] = 300;
  s["mark"] = {{"type", "line"}, {"point", true}};
  s["encoding"] = {{"x",
                    {{"field", "kib"},
                     {"type", "quantitative"},
                     {"scale", {{"type", "log"}}},
                     {"title", "working set (KiB)"}}},
                   {"y", {{"field", "gbs"}, {"type", "quantitative"}, {"title", "GB/s"}}},
                   {"color", {{"field", "kernel"}, {"type", "nominal"}}}};
  return s;
}

}  // namespace

json chart_specs(const ReportData& d) {
  json c = json::object();
  if (!d.comparison.empty()) c["chart-comparison"] = comparison(d);
  if (!d.sweep.empty() && !d.pareto.empty()) {
    c["chart-heatmap"] = heatmap(d);
    c["chart-pareto"] = pareto(d);
  }
  if (!d.scale.empty()) c["chart-scaling"] = scaling(d);
  if (!d.roofline.is_null()) {
    c["chart-roofline"] = roofline(d);
    c["chart-bandwidth"] = bandwidth(d);
    c["chart-layers"] = breakdown(d);
  }
  return c;
}

}  // namespace inferlab::bench
