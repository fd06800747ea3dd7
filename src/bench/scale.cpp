#include "inferlab/lab/scale.h"

#include <fmt/format.h>

#include <new>

#include "inferlab/lab/core_set.h"
#include "inferlab/lab/report.h"
#include "ir/error.h"

namespace inferlab::bench {

std::string mode_name(ScaleMode m) {
  return m == ScaleMode::throughput ? "throughput" : "latency";
}

nlohmann::json to_json(const ScalePoint& p) {
  return {{"backend", p.backend},
          {"mode", mode_name(p.mode)},
          {"cores", p.cores},
          {"streams", p.streams},
          {"threads", p.threads},
          {"failed", p.failed},
          {"reason", p.reason},
          {"throughput_fps", p.throughput_fps},
          {"ci95_fps", {p.ci95_low, p.ci95_high}},
          {"p50_ms", p.p50_ms},
          {"p90_ms", p.p90_ms},
          {"speedup", p.speedup},
          {"efficiency", p.efficiency}};
}

namespace {

ScalePoint measure(const ScaleRun& run, const std::string& name, ScaleMode mode, int k,
                   ResultsStore* db) {
  ScalePoint p;
  p.backend = name;
  p.mode = mode;
  p.cores = k;
  const ScopedCpuMask mask(first_cores(k));
  backends::BackendOptions o = run.base;
  o.hint = mode == ScaleMode::throughput ? PerformanceHint::throughput : PerformanceHint::latency;
  o.streams = mode == ScaleMode::latency ? 1 : 0;
  o.threads = mode == ScaleMode::latency ? k : 0;
  o.nireq = 0;
  auto backend = backends::open_backend(name, o);
  const auto& info = backend->info();
  RunMeta meta = backends::run_meta(info, o);
  meta.fingerprint = run.fingerprint;
  meta.run_id = fmt::format("{}:{}:{}:{}", run.id, name, mode_name(mode), k);
  ScenarioConfig s = run.scenario;
  s.scenario = mode == ScaleMode::throughput ? Scenario::offline : Scenario::single_stream;
  s.batch = meta.batch;
  s.in_flight = mode == ScaleMode::throughput ? info.in_flight : 1;
  s.sample_count = std::max(1, info.in_flight);
  backend->set_samples(run.samples(info.inputs, s.sample_count));
  const ScenarioResult res =
      run_scenario(s, [&](const LoadPlan& plan) { return backend->measure(plan); });
  meta.peak_rss_mb = backend->peak_rss_mb();
  if (db) {
    nlohmann::json j = result_json(res, meta);
    j["scale_id"] = run.id;
    j["inputs"] = run.inputs_note;
    db->append(j);
  }
  p.streams = meta.streams;
  p.threads = meta.threads;
  p.throughput_fps = res.throughput.median;
  p.ci95_low = res.throughput.ci95_low;
  p.ci95_high = res.throughput.ci95_high;
  p.p50_ms = res.latency.p50;
  p.p90_ms = res.latency.p90;
  return p;
}

// Stored as each point completes (speedups against the 1-core point measured before it).
nlohmann::json scale_row(const ScaleRun& run, const ScalePoint& p) {
  nlohmann::json row = {{"kind", "scale_point"},
                        {"time", iso_time_now()},
                        {"run_id", run.id},
                        {"backend", p.backend},
                        {"model", run.base.model},
                        {"batch", run.base.batch},
                        {"streams", p.streams},
                        {"threads", p.threads},
                        {"precision", precision_name(run.base.precision)},
                        {"scale_point", to_json(p)},
                        {"inputs", run.inputs_note},
                        {"fingerprint", run.fingerprint}};
  if (!p.failed) row["throughput_fps"] = p.throughput_fps;
  return row;
}

}  // namespace

void compute_speedups(std::vector<ScalePoint>& points) {
  for (auto& p : points) {
    p.speedup = p.efficiency = 0;
    if (p.failed) continue;
    for (const auto& base : points) {
      if (base.backend == p.backend && base.mode == p.mode && base.cores == 1 && !base.failed &&
          base.throughput_fps > 0) {
        p.speedup = p.throughput_fps / base.throughput_fps;
        p.efficiency = p.speedup / p.cores;
      }
    }
  }
}

std::vector<ScalePoint> run_scale(const ScaleRun& run, ResultsStore* db,
                                  const std::function<void(const ScalePoint&)>& on_point) {
  for (int k : run.cores) first_cores(k);  // more cores than the machine has: fail up front
  std::vector<ScalePoint> out;
  for (const auto& name : run.backends)
    for (ScaleMode mode : run.modes)
      for (int k : run.cores) {
        ScalePoint p;
        try {
          p = measure(run, name, mode, k, db);
        } catch (const std::bad_alloc&) {
          p = {name, mode, k, 0, 0, true, "out of memory"};
        } catch (const std::exception& e) {
          p = {name, mode, k, 0, 0, true, e.what()};
        }
        out.push_back(p);
        compute_speedups(out);
        if (db) db->append(scale_row(run, out.back()));
        if (on_point) on_point(out.back());
      }
  return out;
}

}  // namespace inferlab::bench
