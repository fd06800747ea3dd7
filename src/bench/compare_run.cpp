// `inferlab compare` as a library call (include/inferlab/lab/compare.h).
#include <fmt/format.h>

#include <memory>

#include "inferlab/lab/compare.h"
#include "ir/error.h"

namespace inferlab::bench {
namespace {

// The status column of a backend that failed, from the error's code.
std::string status_of(const Error& e) {
  switch (e.code()) {
    case ErrorCode::worker_timeout:
      return "timeout";
    case ErrorCode::backend_unavailable:
      return "missing";
    case ErrorCode::worker_crashed:
      return "crashed";
    default:
      return "error";
  }
}

// A row while it runs: the result and, until it fails, its backend.
struct Live {
  CompareRow row;
  std::unique_ptr<backends::Backend> backend;

  // Runs `fn` unless the backend failed before; a failure closes it (killing its worker).
  template <typename Fn>
  void guard(const Fn& fn) {
    if (!backend) return;
    try {
      fn();
    } catch (const Error& e) {
      row.status = status_of(e);
      row.error = e.what();
      backend.reset();
    }
  }
};

std::vector<Live> open_all(const CompareOptions& o, const CompareHooks& hooks,
                           nlohmann::json& fingerprint) {
  std::vector<Live> rows;
  for (const auto& n : o.backends) {
    Live l;
    l.row.name = n;
    if (hooks.opening) hooks.opening(n);
    try {
      l.backend = backends::open_backend(n, o.backend);
      const auto& info = l.backend->info();
      if (hooks.opened) hooks.opened(n, info);
      l.row.meta = backends::run_meta(info, o.backend);
      l.row.meta.backend = n;
      fingerprint["libraries"][n] = info.version;
      l.row.meta.run_id = o.run_id;
    } catch (const Error& e) {
      l.row.status = status_of(e);
      l.row.error = e.what();
      l.backend.reset();
    }
    rows.push_back(std::move(l));
  }
  for (auto& l : rows) l.row.meta.fingerprint = fingerprint;  // with every toolkit's version
  return rows;
}

// Numerical agreement on sample 0 against the first backend that runs; then the samples.
std::string check_agreement(std::vector<Live>& rows,
                            const std::vector<backends::TensorMap>& samples) {
  backends::TensorMap ref;
  std::string ref_name;
  for (auto& l : rows) {
    l.guard([&] {
      backends::TensorMap out = l.backend->infer(samples[0]);
      if (ref.empty()) {
        ref = std::move(out);
        ref_name = l.row.name;
        return;
      }
      l.row.agreement = backends::compare_outputs(ref, out);
      l.row.agreement_done = true;
    });
    l.guard([&] { l.backend->set_samples(samples); });
  }
  return ref_name;
}

nlohmann::json summary_of(const CompareRow& r, const CompareResult& c) {
  nlohmann::json j;
  if (r.measured()) {
    j = result_json(r.result, r.meta);
  } else {
    j = {{"backend", r.name},
         {"model", c.model},
         {"kind", "summary"},
         {"scenario", scenario_name(c.scenario.scenario)},
         {"run_id", c.run_id}};
  }
  j["status"] = r.status;
  if (!r.error.empty()) j["error"] = r.error;
  if (r.agreement_done)
    j["agreement"] = {{"comparable", r.agreement.comparable},
                      {"note", r.agreement.note},
                      {"max_abs_diff", r.agreement.max_abs},
                      {"max_rel_diff", r.agreement.max_rel},
                      {"max_elem_rel_diff", r.agreement.max_elem_rel},
                      {"top1_agreement", r.agreement.top1_agreement()},
                      {"top1_rows", r.agreement.rows},
                      {"reference", c.reference}};
  return j;
}

}  // namespace

CompareResult run_compare(const CompareOptions& o, const CompareHooks& hooks) {
  CompareResult c;
  c.model = o.backend.model;
  c.run_id = o.run_id;
  c.scenario = o.scenario;
  c.fingerprint = o.fingerprint;
  std::vector<Live> rows = open_all(o, hooks, c.fingerprint);
  const Live* first = nullptr;
  for (const auto& l : rows)
    if (l.backend) {
      first = &l;
      break;
    }
  if (!first) {
    // Each backend's own reason (the native one names the file and the parse error).
    std::string why;
    for (const auto& l : rows) why += fmt::format("\n  {}: {}", l.row.name, l.row.error);
    fail("{}: no backend could open the model:{}", c.model, why);
  }
  const auto samples = hooks.samples(first->backend->info().inputs, o.sample_count);
  c.reference = check_agreement(rows, samples);

  const ScenarioConfig& sc = o.scenario;
  for (int rep = 0; rep < sc.repetitions; ++rep) {
    for (auto& l : rows) {
      l.guard([&] {
        ScenarioConfig rc = sc;
        rc.batch = l.row.meta.batch;
        rc.in_flight = l.backend->info().in_flight;
        rc.sample_count = o.sample_count;
        auto res = measure_repetition(
            rc, [&](const LoadPlan& p) { return l.backend->measure(p); }, sc.rate_qps,
            sc.seed + static_cast<std::uint64_t>(rep), rep + 1, "repetition");
        if (hooks.repetition) hooks.repetition(l.row, res);
        if (o.store) o.store->append(repetition_row(res, rc, l.row.meta));
        l.row.result.config = rc;
        l.row.reps.push_back(std::move(res));
      });
    }
  }
  for (auto& l : rows) {
    if (l.row.reps.empty()) continue;
    aggregate_repetitions(l.row.result, l.row.reps);
    l.guard([&] { l.row.meta.peak_rss_mb = l.backend->peak_rss_mb(); });
    if (l.row.name == "native") c.native_fps = l.row.result.throughput.median;
  }
  for (auto& l : rows) {
    l.row.summary = summary_of(l.row, c);
    if (o.store) o.store->append(l.row.summary);
    c.rows.push_back(std::move(l.row));
  }
  return c;
}

nlohmann::json to_json(const CompareResult& r) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& row : r.rows) all.push_back(row.summary);
  return {
      {"model", r.model}, {"run_id", r.run_id}, {"backends", all}, {"fingerprint", r.fingerprint}};
}

std::string to_csv(const CompareResult& r) {
  std::vector<nlohmann::json> flat;
  for (const auto& row : r.rows) {
    const nlohmann::json& j = row.summary;
    auto f = flat_summary(j);
    f["status"] = j.value("status", "");
    if (j.contains("agreement")) {
      f["max_abs_diff"] = j["agreement"]["max_abs_diff"];
      f["max_rel_diff"] = j["agreement"]["max_rel_diff"];
      f["top1_agreement"] = j["agreement"]["top1_agreement"];
    }
    if (j.contains("error")) f["error"] = j["error"];
    flat.push_back(f);
  }
  return to_csv(flat);
}

}  // namespace inferlab::bench
