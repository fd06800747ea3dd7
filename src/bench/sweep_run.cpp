#include "inferlab/lab/sweep_run.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <new>

#include "inferlab/lab/report.h"
#include "ir/error.h"

namespace inferlab::bench {
namespace {

nlohmann::json point_row(const PointResult& r, const SweepRun& run) {
  nlohmann::json j = {
      {"kind", "sweep_point"},     {"time", iso_time_now()},         {"sweep_id", run.id},
      {"run_id", run.id},          {"backend", r.point.backend},     {"model", run.base.model},
      {"scenario", "offline"},     {"batch", r.point.batch},         {"streams", r.streams_used},
      {"threads", r.threads_used}, {"precision", r.point.precision}, {"sweep_point", to_json(r)},
      {"inputs", run.inputs_note}, {"fingerprint", run.fingerprint}};
  if (r.status == PointStatus::measured) {
    j["throughput_fps"] = r.throughput_fps;
    j["p50_ms"] = r.p50_ms;
    j["p90_ms"] = r.p90_ms;
    j["p99_ms"] = r.p99_ms;
  }
  return j;
}

// Opens, measures and summarises one point; throws for any failure of the point itself.
PointResult run_point(const SweepPoint& p, const SweepRun& run, ResultsStore* db) {
  backends::BackendOptions o = run.base;
  o.batch = p.batch;
  o.precision = parse_precision(p.precision);
  o.streams = p.streams;
  o.threads = p.threads;
  o.nireq = 0;
  o.hint = PerformanceHint::throughput;
  auto backend = backends::open_backend(p.backend, o);
  const auto& info = backend->info();

  RunMeta meta = backends::run_meta(info, o);
  meta.fingerprint = run.fingerprint;
  meta.run_id = fmt::format("{}:{}", run.id, p.id);

  ScenarioConfig s = run.scenario;
  s.scenario = Scenario::offline;
  s.batch = meta.batch;
  s.in_flight = info.in_flight;
  s.sample_count = std::max(1, info.in_flight);
  backend->set_samples(run.samples(info.inputs, s.sample_count));
  auto measure = [&](const LoadPlan& plan) { return backend->measure(plan); };
  const ScenarioResult res = run_scenario(s, measure);
  meta.peak_rss_mb = backend->peak_rss_mb();
  if (db) {
    nlohmann::json summary = result_json(res, meta);
    summary["sweep_id"] = run.id;
    summary["inputs"] = run.inputs_note;
    db->append(summary);
  }
  PointResult r;
  r.point = p;
  r.throughput_fps = res.throughput.median;
  r.ci95_low = res.throughput.ci95_low;
  r.ci95_high = res.throughput.ci95_high;
  r.cv = res.throughput.cv;
  r.p50_ms = res.latency.p50;
  r.p90_ms = res.latency.p90;
  r.p99_ms = res.latency.p99;
  r.streams_used = meta.streams;
  r.threads_used = meta.threads;
  return r;
}

}  // namespace

PointResult measure_point(const SweepPoint& p, const SweepRun& run, ResultsStore* db) {
  PointResult r;
  const int need = std::max(1, p.streams) * std::max(1, p.threads);
  if (need > run.cores) {
    r.point = p;
    r.status = PointStatus::failed;
    r.reason = fmt::format("{} streams x {} threads need {} cores, {} available",
                           std::max(1, p.streams), std::max(1, p.threads), need, run.cores);
  } else {
    try {
      r = run_point(p, run, db);
    } catch (const std::bad_alloc&) {
      r = {};
      r.point = p;
      r.status = PointStatus::failed;
      r.reason = "out of memory";
    } catch (const std::exception& e) {
      r = {};
      r.point = p;
      r.status = PointStatus::failed;
      r.reason = e.what();
    }
  }
  if (db) db->append(point_row(r, run));
  return r;
}

std::vector<PointResult> stored_points(const ResultsStore& db, const std::string& id) {
  std::map<int, PointResult> by_id;
  for (const auto& row : db.query({"kind=sweep_point", "sweep_id=" + id})) {
    PointResult r = point_result_from_json(row.at("sweep_point"));
    by_id[r.point.id] = r;
  }
  std::vector<PointResult> out;
  for (auto& [k, v] : by_id) out.push_back(v);
  return out;
}

SweepOutcome run_sweep(const std::vector<SweepPoint>& points, const SweepRun& run, ResultsStore& db,
                       const std::function<void(const PointResult&, bool resumed)>& on_point) {
  std::map<int, PointResult> done;
  for (auto& r : stored_points(db, run.id)) done[r.point.id] = r;
  SweepOutcome out;
  std::map<std::string, PointResult> best;     // group -> best measured so far
  std::map<std::string, std::string> stopped;  // group -> why larger batches are pruned
  const auto start = std::chrono::steady_clock::now();
  for (const auto& p : points) {
    const std::string g = group_key(p);
    PointResult r;
    bool resumed = false;
    if (auto it = done.find(p.id); it != done.end() && it->second.point.key() == p.key()) {
      r = it->second;
      resumed = true;
      ++out.resumed;
    } else if (run.prune && stopped.count(g)) {
      r.point = p;
      r.status = PointStatus::pruned;
      r.reason = stopped[g];
      db.append(point_row(r, run));
    } else {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (run.budget_s > 0 && elapsed > run.budget_s) {
        out.left.push_back(p);
        continue;
      }
      r = measure_point(p, run, &db);
    }
    if (r.status == PointStatus::measured) {
      auto b = best.find(g);
      if (b != best.end() && stop_raising_batch(b->second, r))
        stopped[g] = fmt::format(
            "batch {} was slower than batch {} beyond the noise ({:.2f} vs {:.2f} samples/s, "
            "CI95 {:.2f}..{:.2f} vs {:.2f}..{:.2f})",
            r.point.batch, b->second.point.batch, r.throughput_fps, b->second.throughput_fps,
            r.ci95_low, r.ci95_high, b->second.ci95_low, b->second.ci95_high);
      if (b == best.end() || r.throughput_fps > b->second.throughput_fps) best[g] = r;
    }
    out.results.push_back(r);
    if (on_point) on_point(r, resumed);
  }
  return out;
}

nlohmann::json sweep_json(const SweepRun& run, const SweepOutcome& out,
                          const std::vector<BackendAnswers>& answers) {
  nlohmann::json j = {{"sweep_id", run.id},
                      {"model", run.base.model},
                      {"inputs", run.inputs_note},
                      {"points", nlohmann::json::array()},
                      {"not_measured", nlohmann::json::array()},
                      {"answers", nlohmann::json::array()}};
  for (const auto& r : out.results) j["points"].push_back(to_json(r));
  for (const auto& p : out.left) j["not_measured"].push_back(to_json(p));
  auto opt = [](const std::optional<PointResult>& r) { return r ? to_json(*r) : nlohmann::json(); };
  for (const auto& a : answers) {
    nlohmann::json pareto = nlohmann::json::array();
    for (const auto& p : a.pareto) pareto.push_back(to_json(p));
    j["answers"].push_back({{"backend", a.backend},
                            {"best_throughput", opt(a.best_throughput)},
                            {"best_p50", opt(a.best_p50)},
                            {"best_p90", opt(a.best_p90)},
                            {"best_under_bound", opt(a.best_under_bound)},
                            {"pareto", pareto}});
  }
  return j;
}

}  // namespace inferlab::bench
