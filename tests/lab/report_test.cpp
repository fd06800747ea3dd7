// `inferlab report` end to end: a database with a sweep, a scaling run, a roofline and a bench
// summary becomes an HTML page that headless Chromium draws without errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "data/image.h"
#include "inferlab/lab/html_report.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_db.h"
#include "inferlab/lab/roofline_json.h"
#include "inferlab/lab/scale.h"
#include "inferlab/lab/sweep.h"
#include "support/cli.h"

namespace fs = std::filesystem;
using namespace inferlab;
using namespace inferlab::bench;
using inferlab::test::contains;
using inferlab::test::run_cli;

namespace {

fs::path temp_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("inferlab-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Rows as the lab commands write them (figures made up: this tests drawing, not measuring).
void fill_db(ResultsDb& db) {
  const nlohmann::json fp = {{"cpu_model", "test CPU"}, {"command", "inferlab sweep m.onnx"}};
  SweepGrid g;
  g.streams = {1, 2};
  g.threads = {kAuto};
  g.batches = {1, 2, 4};
  for (const auto& p : sweep_points(g)) {
    PointResult r;
    r.point = p;
    r.throughput_fps = 10.0 * p.batch * p.streams;
    r.ci95_low = r.throughput_fps * 0.95;
    r.ci95_high = r.throughput_fps * 1.05;
    r.p50_ms = 5.0 * p.batch;
    r.p90_ms = 6.0 * p.batch;
    r.p99_ms = 7.0 * p.batch;
    if (p.id == 5) {
      r.status = PointStatus::failed;
      r.reason = "precision not supported";
    }
    db.append({{"kind", "sweep_point"},
               {"sweep_id", "sweep-test"},
               {"sweep_point", to_json(r)},
               {"fingerprint", fp}});
  }
  for (int k = 1; k <= 4; ++k) {
    ScalePoint s;
    s.backend = "native";
    s.cores = k;
    s.throughput_fps = 30.0 * k * (1 - 0.05 * (k - 1));
    s.speedup = s.throughput_fps / 30.0;
    s.efficiency = s.speedup / k;
    db.append({{"kind", "scale_point"}, {"run_id", "scale-test"}, {"scale_point", to_json(s)}});
  }
  Ceilings c;
  c.fp32_core_gflops = 260;
  c.fp32_all_gflops = 520;
  c.caches = {48 << 10, 1 << 20, 32 << 20};
  c.bw_l1 = 400, c.bw_l2 = 150, c.bw_l3 = 60, c.bw_dram = 20;
  for (std::int64_t b = 16 << 10; b <= (128 << 20); b *= 2)
    c.sweep.push_back({b, b < (48 << 10) ? 400.0 : b < (1 << 20) ? 150.0 : 40.0, 100.0});
  nlohmann::json layers = nlohmann::json::array();
  for (int i = 0; i < 12; ++i) {
    RooflineLayer l;
    l.name = "conv" + std::to_string(i);
    l.op_type = "Conv";
    l.time_ms = 1 + i;
    l.time_share = l.time_ms / 78.0;
    l.flops = 2e8 * (i + 1);
    l.bytes = 4e6;
    l.intensity = l.flops / l.bytes;
    l.attained_gflops = l.flops / (l.time_ms * 1e-3) / 1e9;
    l.verdict = "compute-bound";
    layers.push_back(to_json(l));
  }
  RooflineLayer net;
  net.name = "network";
  net.intensity = 30;
  net.attained_gflops = 150;
  db.append({{"kind", "roofline"},
             {"threads", 2},
             {"ceilings", to_json(c)},
             {"layers", layers},
             {"network", to_json(net)},
             {"fingerprint", fp}});
  db.append({{"kind", "summary"},
             {"backend", "native"},
             {"model", "m.onnx"},
             {"scenario", "offline"},
             {"throughput_fps", 55.0},
             {"ci95_fps", {50.0, 60.0}},
             {"latency_ms", {{"p90", 20.0}, {"p99", 25.0}}},
             {"validity", {{"min_duration_met", true}, {"min_queries_met", true}}}});
  db.append({{"kind", "summary"},
             {"backend", "onnxruntime"},
             {"model", "m.onnx"},
             {"scenario", "offline"},
             {"throughput_fps", 45.0},
             {"ci95_fps", {41.0, 49.0}}});
}

}  // namespace

TEST(Report, AbsentOrEmptyDatabaseIsAnError) {
  const fs::path d = temp_dir("report-bad");
  auto r = run_cli("report --db " + (d / "none.db").string() + " -o " + (d / "r.html").string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "does not exist")) << r.out;
  { ResultsDb db((d / "empty.db").string()); }
  r = run_cli("report --db " + (d / "empty.db").string() + " -o " + (d / "r.html").string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "no results")) << r.out;
  EXPECT_FALSE(fs::exists(d / "r.html"));
  fs::remove_all(d);
}

TEST(Report, RendersEveryChartInHeadlessChromium) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  const fs::path d = temp_dir("report");
  {
    ResultsDb db((d / "r.db").string());
    fill_db(db);
  }
  const fs::path html = d / "report.html";
  auto r = run_cli("report --db " + (d / "r.db").string() + " -o " + html.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(fs::exists(d / "report_data" / "sweep.csv"));
  EXPECT_TRUE(fs::exists(d / "report_data" / "layers.json"));
  EXPECT_TRUE(contains(slurp(html), "vegaEmbed"));

  // The DOM once scripts ran: every chart container marked drawn with an SVG inside, no error.
  const std::string chrome =
      "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--virtual-time-budget=20000 ";
  const fs::path dom = d / "dom.html", shot = d / "shot.png";
  ASSERT_EQ(std::system((chrome + "--dump-dom file://" + html.string() + " > " + dom.string() +
                         " 2>/dev/null")
                            .c_str()),
            0);
  const std::string text = slurp(dom);
  EXPECT_TRUE(contains(text, "data-done=\"1\"")) << "not every chart finished drawing";
  EXPECT_TRUE(contains(text, "data-charts=\"7\"")) << text.substr(0, 2000);
  std::size_t drawn = 0;
  for (std::size_t p = 0; (p = text.find("data-drawn=\"1\"", p)) != std::string::npos; ++p) ++drawn;
  EXPECT_EQ(drawn, 7u);
  std::size_t svgs = 0;
  for (std::size_t p = 0; (p = text.find("<svg", p)) != std::string::npos; ++p) ++svgs;
  EXPECT_GE(svgs, 7u);
  const auto err = text.find("<pre id=\"errors\">");
  ASSERT_NE(err, std::string::npos);
  EXPECT_EQ(text.substr(err + 17, 6), "</pre>") << "page errors: " << text.substr(err, 500);

  // A screenshot that is not blank: many distinct colours, a fair share of non-white pixels.
  ASSERT_EQ(std::system((chrome + "--window-size=1200,3000 --screenshot=" + shot.string() +
                         " file://" + html.string() + " >/dev/null 2>&1")
                            .c_str()),
            0);
  const std::string png = slurp(shot);
  const data::Image img =
      data::decode_png(std::vector<std::uint8_t>(png.begin(), png.end()), shot.string());
  std::set<std::uint32_t> colours;
  std::size_t non_white = 0;
  for (std::size_t i = 0; i + 2 < img.pixels.size(); i += img.channels) {
    const std::uint32_t c = img.pixels[i] << 16 | img.pixels[i + 1] << 8 | img.pixels[i + 2];
    colours.insert(c);
    non_white += c != 0xffffff;
  }
  EXPECT_GT(colours.size(), 50u);
  EXPECT_GT(non_white, img.pixels.size() / img.channels / 50);
  fs::remove_all(d);
}

// A study run over a fleet: the same sweep point and scaling run measured on two CPU models are
// both kept, labelled with their CPU model, and each CPU model gets its own sweep best.
TEST(Report, GroupsResultsByCpuModel) {
  std::vector<nlohmann::json> rows;
  SweepGrid g;
  g.streams = {1};
  g.threads = {kAuto};
  g.batches = {1, 2};
  const std::vector<std::pair<std::string, std::string>> nodes = {
      {"Zen 4", "n1"}, {"Zen 5", "n2"}, {"Zen 5", "n3"}};
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const nlohmann::json fp = {{"cpu_model", nodes[n].first}, {"hostname", nodes[n].second}};
    for (const auto& p : sweep_points(g)) {
      PointResult r;
      r.point = p;
      r.throughput_fps = 100.0 * (n + 1) * p.batch;
      rows.push_back({{"kind", "sweep_point"},
                      {"sweep_id", "sweep-" + nodes[n].second},
                      {"sweep_point", to_json(r)},
                      {"fingerprint", fp}});
    }
    ScalePoint s;
    s.backend = "native";
    s.cores = 1;
    rows.push_back({{"kind", "scale_point"},
                    {"run_id", "scale-" + nodes[n].second},
                    {"scale_point", to_json(s)},
                    {"fingerprint", fp}});
  }
  const ReportData d = collect_report_data(rows, "fleet.db");
  ASSERT_EQ(d.machines.size(), 2u);
  EXPECT_EQ(d.machines[0]["cpu_model"], "Zen 4");
  EXPECT_EQ(d.machines[1]["hosts"], "n2, n3");
  EXPECT_EQ(d.machines[1]["rows"], 6);
  // Two points per CPU model; on Zen 5 the newer host's rows stand for the configuration.
  ASSERT_EQ(d.sweep.size(), 4u);
  std::map<std::string, double> best;
  for (const auto& c : d.comparison) best[c["label"]] = c["throughput_fps"];
  ASSERT_EQ(best.size(), 2u);
  EXPECT_EQ(best.begin()->first.rfind("Zen 4: sweep best", 0), 0u) << best.begin()->first;
  EXPECT_DOUBLE_EQ(best.begin()->second, 200.0);
  EXPECT_DOUBLE_EQ(std::next(best.begin())->second, 600.0);
  for (const auto& r : d.sweep) EXPECT_EQ(r["config"].get<std::string>().rfind(r["cpu"], 0), 0u);
  // The newest scaling run of each CPU model.
  ASSERT_EQ(d.scale.size(), 2u);
  EXPECT_EQ(d.scale_id, "scale-n1, scale-n3");
  // One CPU model: no prefixes.
  rows.resize(3);
  const ReportData one = collect_report_data(rows, "one.db");
  EXPECT_EQ(one.machines.size(), 1u);
  EXPECT_EQ(one.comparison.at(0)["label"].get<std::string>().rfind("sweep best", 0), 0u);
}
