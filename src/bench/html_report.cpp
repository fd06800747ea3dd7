#include "inferlab/lab/html_report.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/peer_locations.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/report.h"
#include "ir/error.h"

namespace inferlab::bench {
namespace fs = std::filesystem;
namespace {

std::string escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += ch;
    }
  }
  return o;
}

// JSON placed inside <script>: "</" would end the element.
std::string script_json(const nlohmann::json& j) {
  std::string s = j.dump();
  for (std::size_t p = 0; (p = s.find("</", p)) != std::string::npos; p += 3)
    s.replace(p, 2, "<\\/");
  return s;
}

std::string table(const std::vector<nlohmann::json>& rows, const std::vector<std::string>& cols) {
  std::string h = "<table><tr>";
  for (const auto& c : cols) h += "<th>" + escape(c) + "</th>";
  h += "</tr>";
  for (const auto& r : rows) {
    h += "<tr>";
    for (const auto& c : cols) {
      const auto it = r.find(c);
      std::string v;
      if (it == r.end() || it->is_null())
        v = "";
      else if (it->is_string())
        v = it->get<std::string>();
      else if (it->is_number_float())
        v = fmt::format("{:.4g}", it->get<double>());
      else
        v = it->dump();
      h += "<td>" + escape(v) + "</td>";
    }
    h += "</tr>";
  }
  return h + "</table>";
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f)
    fail(
        "chart library file {} is missing: run scripts/setup.sh (it installs vega, vega-lite "
        "and vega-embed into third_party/node)",
        p.string());
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string section(const std::string& title, const std::string& body) {
  return "<section><h2>" + escape(title) + "</h2>" + body + "</section>\n";
}

std::string chart_div(const nlohmann::json& specs, const std::string& id, const std::string& none) {
  return specs.contains(id) ? "<div class=\"chart\" id=\"" + id + "\"></div>"
                            : "<p class=\"none\">" + escape(none) + "</p>";
}

}  // namespace

std::string default_node_modules() {
  if (const char* e = std::getenv("INFERLAB_NODE_MODULES")) return e;
  // Found like the peer workers: relative to this program or $INFERLAB_HOME, never a
  // compiled-in source path.
  return backends::inferlab_home() + "/third_party/node/node_modules";
}

std::string load_chart_library(const std::string& dir) {
  const fs::path d(dir);
  return read_file(d / "vega/build/vega.min.js") + "\n;\n" +
         read_file(d / "vega-lite/build/vega-lite.min.js") + "\n;\n" +
         read_file(d / "vega-embed/build/vega-embed.min.js");
}

std::string render_html(const ReportData& d, const std::string& lib) {
  const nlohmann::json specs = chart_specs(d);
  std::string body;
  std::vector<nlohmann::json> fp;
  for (const auto& [k, v] : d.fingerprint.items())
    if (k != "command")
      fp.push_back({{"field", k}, {"value", v.is_string() ? v.get<std::string>() : v.dump()}});
  std::string cmds = "<pre>";
  for (const auto& c : d.commands) cmds += escape(c) + "\n";
  cmds += "</pre>";
  std::string inputs = "<ul>";
  for (const auto& i : d.inputs) inputs += "<li>" + escape(i) + "</li>";
  inputs += "</ul>";
  body +=
      section("Machine and commands",
              "<h3>CPU models and hosts</h3>" + table(d.machines, {"cpu_model", "hosts", "rows"}) +
                  "<h3>Newest row's machine</h3>" + table(fp, {"field", "value"}) +
                  "<h3>Exact commands</h3>" + cmds + "<h3>Inputs (sample library)</h3>" + inputs +
                  "<p>Every figure is defined in docs/metrics.md and docs/lab.md; numbers are "
                  "also in the CSV/JSON files next to this page.</p>");
  body +=
      section("Backend comparison",
              chart_div(specs, "chart-comparison", "No bench/compare results in the database.") +
                  table(d.validity, {"label", "min_duration_met", "min_queries_met",
                                     "server_result", "p90_early_stop_ms", "p99_early_stop_ms"}));
  body += section("Sweeps: " + d.sweep_id,
                  chart_div(specs, "chart-heatmap", "No sweep in the database.") +
                      chart_div(specs, "chart-pareto", "") +
                      table(d.sweep, {"cpu", "model", "key", "status", "throughput_fps", "ci95_low",
                                      "ci95_high", "p50_ms", "p90_ms", "p99_ms", "reason"}));
  body +=
      section("Core scaling " + d.scale_id,
              chart_div(specs, "chart-scaling", "No scaling run in the database.") +
                  table(d.scale, {"cpu", "backend", "mode", "cores", "streams", "threads",
                                  "throughput_fps", "p50_ms", "speedup", "efficiency", "reason"}));
  body += section(
      "Roofline" + (d.machines.size() > 1 && !d.roofline_cpu.empty()
                        ? " (the newest: " + d.roofline_cpu + ")"
                        : std::string()),
      chart_div(specs, "chart-roofline", "No roofline in the database.") +
          chart_div(specs, "chart-bandwidth", "") +
          (d.roofline.is_null()
               ? std::string()
               : table(std::vector<nlohmann::json>(d.roofline["ceilings"]["plateaus"].begin(),
                                                   d.roofline["ceilings"]["plateaus"].end()),
                       {"level", "from_bytes", "to_bytes", "read_gbs", "read_write_gbs"})));
  body += section(
      "Per-layer breakdown",
      chart_div(specs, "chart-layers", "No per-layer profile in the database.") +
          table(d.layers, {"name", "op_type", "implementation", "time_ms", "flops", "bytes",
                           "intensity", "attained_gflops", "level", "percent_of_roof", "verdict"}));
  body += section("Accuracy", d.accuracy.empty()
                                  ? "<p class=\"none\">No accuracy results in the database.</p>"
                                  : table(d.accuracy, {"backend", "model", "dataset", "top1",
                                                       "top5", "samples", "precision"}));
  return fmt::format(R"(<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>inferlab report</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;font-size:12px;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}.none{{color:#888}}pre{{white-space:pre-wrap;font-size:12px}}</style>
<script>window.reportErrors=[];
function reportError(m){{window.reportErrors.push(String(m));var e=document.getElementById('errors');if(e)e.textContent=window.reportErrors.join('\n');}}
window.addEventListener('error',function(e){{reportError(e.message)}});
var origError=console.error;console.error=function(){{reportError(Array.from(arguments).join(' '));origError.apply(console,arguments)}};
</script>
<script>{}</script>
</head><body><h1>inferlab report</h1><p>Generated {} from the results database.</p>
<pre id="errors"></pre>
{}
<script>
var specs={};
var pending=Object.keys(specs).length;
document.body.dataset.charts=String(pending);
Object.keys(specs).forEach(function(id){{
  vegaEmbed('#'+id,specs[id],{{renderer:'svg',actions:false}}).then(function(){{
    document.getElementById(id).dataset.drawn='1';
    if(--pending===0)document.body.dataset.done='1';
  }}).catch(function(e){{reportError(id+': '+e)}});
}});
if(pending===0)document.body.dataset.done='1';
</script></body></html>
)",
                     lib, iso_time_now(), body, script_json(specs));
}

std::vector<std::string> write_exports(const ReportData& d, const std::string& dir) {
  fs::create_directories(dir);
  std::vector<std::string> files;
  auto put = [&](const std::string& name, const std::vector<nlohmann::json>& rows) {
    if (rows.empty()) return;
    const fs::path csv = fs::path(dir) / (name + ".csv"), js = fs::path(dir) / (name + ".json");
    write_file_atomically(csv.string(), to_csv(rows), "report export");
    write_file_atomically(js.string(), nlohmann::json(rows).dump(2) + "\n", "report export");
    files.push_back(csv.string());
    files.push_back(js.string());
  };
  put("comparison", d.comparison);
  put("validity", d.validity);
  put("sweep", d.sweep);
  put("pareto", d.pareto);
  put("scale", d.scale);
  put("layers", d.layers);
  put("bandwidth", d.bandwidth);
  put("accuracy", d.accuracy);
  if (!d.roofline.is_null()) {
    const fs::path js = fs::path(dir) / "roofline.json";
    write_file_atomically(js.string(), d.roofline.dump(2) + "\n", "report export");
    files.push_back(js.string());
  }
  return files;
}

}  // namespace inferlab::bench
