// `inferlab bench` as a library call (include/inferlab/lab/bench_run.h).
#include "inferlab/lab/bench_run.h"

#include <fmt/format.h>

#include <utility>

#include "inferlab/lab/progress.h"
#include "inferlab/lab/random_samples.h"
#include "ir/error.h"

namespace inferlab::bench {

nlohmann::json layers_json(const std::vector<LayerProfile>& layers) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& l : layers) {
    j.push_back({{"name", l.name},
                 {"op_type", l.op_type},
                 {"fused_from", l.fused_from},
                 {"implementation", l.implementation},
                 {"precision", l.precision},
                 {"layout", l.layout},
                 {"time_ms", l.time_ms},
                 {"count", l.count},
                 {"avg_ms", l.count ? l.time_ms / static_cast<double>(l.count) : 0.0}});
  }
  return j;
}

void check_request(const BenchRequest& r) {
  const backends::BackendOptions& b = r.options;
  backends::check_backend_name(r.backend);
  const std::pair<const char*, std::int64_t> counts[] = {{"batch", b.batch},
                                                         {"streams", b.streams},
                                                         {"threads", b.threads},
                                                         {"nireq", b.nireq},
                                                         {"samples", r.samples}};
  for (const auto& [name, v] : counts)
    if (v < 0) fail("{} must be zero or more (got {})", name, v);
  if (!(b.timeout_s > 0)) fail("timeout must be positive (got {})", b.timeout_s);
  if (b.opt_level != 0 && b.opt_level != 1 && b.opt_level != 2 && b.opt_level != 99)
    fail("opt_level must be 0, 1, 2 or 99 (got {})", b.opt_level);
  if (!b.async && b.nireq > 1) fail("a synchronous run has one request: drop nireq {}", b.nireq);
  if (b.perf_counters && r.backend != "native" && r.backend != "openvino")
    fail("per-layer counters are available with the native and openvino backends only");
  validate(r.scenario);
}

BenchOutcome run_bench(const BenchRequest& req, const BenchHooks& hooks) {
  check_request(req);  // before the (possibly long) compilation
  auto backend = backends::open_backend(req.backend, req.options);
  BenchOutcome out;
  out.info = backend->info();
  const auto& info = out.info;
  RunMeta& meta = out.meta;
  meta = backends::run_meta(info, req.options);
  meta.fingerprint = req.fingerprint;
  meta.fingerprint["libraries"][info.name] = info.version;  // the toolkit that ran
  meta.run_id = req.run_id;

  ScenarioConfig s = req.scenario;
  s.batch = meta.batch;
  s.in_flight = info.in_flight;
  s.sample_count = req.samples > 0 ? req.samples : std::max(1, info.in_flight);
  backend->set_samples(hooks.samples ? hooks.samples(info.inputs, s.sample_count)
                                     : random_samples(info.inputs, s.seed, s.sample_count));
  if (hooks.opened) hooks.opened(info, s);

  int rep_no = 0;
  auto measure = [&](const LoadPlan& plan) {
    Progress p(fmt::format("  measuring {}", ++rep_no), plan.min_duration_s, req.progress);
    return backend->measure(plan, p.fn());
  };
  auto on_done = [&](const RepetitionResult& r) {
    if (hooks.repetition) hooks.repetition(r);
    if (req.store) req.store->append(repetition_row(r, s, meta));
  };
  out.result = run_scenario(s, measure, on_done);
  meta.peak_rss_mb = backend->peak_rss_mb();
  if (req.options.perf_counters) meta.layers = layers_json(backend->layer_profile());
  out.summary = result_json(out.result, meta);
  out.summary["inputs"] = req.inputs;
  if (req.store) req.store->append(out.summary);
  return out;
}

nlohmann::json to_json(const BenchOutcome& o) {
  return o.summary;
}

std::string to_csv(const BenchOutcome& o) {
  return to_csv(std::vector<nlohmann::json>{flat_summary(o.summary)});
}

}  // namespace inferlab::bench
