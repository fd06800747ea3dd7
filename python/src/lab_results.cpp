// The lab's results as Python objects: read-only attributes over the C++ result structs (the
// same ones the CLI prints), and to_json() giving the dict the CLI's --json writes.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "inferlab/lab/accuracy.h"
#include "inferlab/lab/bench_run.h"
#include "inferlab/lab/compare.h"
#include "lab.h"

namespace inferlab::py {
namespace {

using nlohmann::json;

void bind_stats(nb::module_& m) {
  nb::class_<bench::Spread>(m, "Spread", "A figure over repetitions: median, mean and 95% CI.")
      .def_ro("n", &bench::Spread::n)
      .def_ro("median", &bench::Spread::median)
      .def_ro("mean", &bench::Spread::mean)
      .def_ro("stddev", &bench::Spread::stddev)
      .def_ro("cv", &bench::Spread::cv)
      .def_ro("ci95_low", &bench::Spread::ci95_low)
      .def_ro("ci95_high", &bench::Spread::ci95_high);
  nb::class_<bench::LatencySummary>(m, "LatencySummary", "Latencies in milliseconds.")
      .def_ro("count", &bench::LatencySummary::count)
      .def_ro("min", &bench::LatencySummary::min)
      .def_ro("mean", &bench::LatencySummary::mean)
      .def_ro("p50", &bench::LatencySummary::p50)
      .def_ro("p90", &bench::LatencySummary::p90)
      .def_ro("p99", &bench::LatencySummary::p99)
      .def_ro("max", &bench::LatencySummary::max);
  using R = bench::RepetitionResult;
  nb::class_<R>(m, "Repetition", "One measured repetition (or server peak trial).")
      .def_ro("index", &R::index)
      .def_ro("kind", &R::kind)
      .def_ro("rate_qps", &R::rate_qps)
      .def_ro("throughput_fps", &R::throughput_fps)
      .def_ro("latency", &R::latency)
      .def_ro("bound_met", &R::bound_met)
      .def_ro("invalid_reason", &R::invalid_reason)
      .def_prop_ro("samples", [](const R& r) { return r.record.measured.samples; })
      .def_prop_ro("wall_s", [](const R& r) { return r.record.measured.wall_s; });
}

// Attributes every scenario result has (bench, and each measured row of compare).
template <typename C, typename Get>
void scenario_attributes(nb::class_<C>& c, Get get) {
  c.def_prop_ro("scenario", [get](const C& o) { return get(o).config.scenario; })
      .def_prop_ro("throughput", [get](const C& o) { return get(o).throughput; })
      .def_prop_ro("latency", [get](const C& o) { return get(o).latency; })
      .def_prop_ro("repetitions", [get](const C& o) { return get(o).repetitions; })
      .def_prop_ro("first_inference_ms", [get](const C& o) { return get(o).first_inference_ms; })
      .def_prop_ro("spread_warning", [get](const C& o) { return get(o).spread_warning(); });
}

// What RunMeta records about the system measured.
template <typename C, typename Get>
void meta_attributes(nb::class_<C>& c, Get get) {
  c.def_prop_ro("backend_version", [get](const C& o) { return get(o).backend_version; })
      .def_prop_ro("precision", [get](const C& o) { return get(o).precision; })
      .def_prop_ro("precision_layers", [get](const C& o) { return get(o).precision_layers; })
      .def_prop_ro("settings", [get](const C& o) { return to_dict(get(o).settings); })
      .def_prop_ro("batch", [get](const C& o) { return get(o).batch; })
      .def_prop_ro("streams", [get](const C& o) { return get(o).streams; })
      .def_prop_ro("threads", [get](const C& o) { return get(o).threads; })
      .def_prop_ro("nireq", [get](const C& o) { return get(o).nireq; })
      .def_prop_ro("compile_ms", [get](const C& o) { return get(o).compile_ms; })
      .def_prop_ro("peak_rss_mb", [get](const C& o) { return get(o).peak_rss_mb; });
}

void bind_bench_result(nb::module_& m) {
  using O = bench::BenchOutcome;
  nb::class_<O> c(m, "BenchResult", "What inferlab.lab.bench measured, and on what.");
  c.def_prop_ro("backend", [](const O& o) { return o.info.name; })
      .def_prop_ro("model", [](const O& o) { return o.meta.model; })
      .def_prop_ro("run_id", [](const O& o) { return o.meta.run_id; })
      .def_prop_ro("notes", [](const O& o) { return o.info.notes; })
      .def_prop_ro("fingerprint", [](const O& o) { return to_dict(o.meta.fingerprint); })
      .def_prop_ro(
          "layers",
          [](const O& o) -> std::optional<nb::typed<nb::list, JsonDict>> {
            if (o.meta.layers.is_null()) return std::nullopt;
            return nb::borrow<nb::typed<nb::list, JsonDict>>(to_python(o.meta.layers));
          },
          "per-layer counters (perf_counters=True), else None")
      .def_prop_ro("warmup", [](const O& o) { return o.result.warmup; })
      .def_prop_ro("peak_trials", [](const O& o) { return o.result.peak_trials; })
      .def_prop_ro("peak_rate_qps", [](const O& o) { return o.result.peak_rate_qps; })
      .def_prop_ro("bound_met", [](const O& o) { return o.result.bound_met; })
      .def_prop_ro("invalid_reason", [](const O& o) { return o.result.invalid_reason; })
      .def_prop_ro("headline_latency_ms", [](const O& o) { return o.result.headline_latency_ms(); })
      .def("to_json", [](const O& o) { return to_dict(bench::to_json(o)); })
      .def("to_csv", [](const O& o) { return bench::to_csv(o); });
  scenario_attributes(c, [](const O& o) -> const bench::ScenarioResult& { return o.result; });
  meta_attributes(c, [](const O& o) -> const bench::RunMeta& { return o.meta; });
}

void bind_compare_result(nb::module_& m) {
  using A = backends::OutputAgreement;
  nb::class_<A>(m, "Agreement", "A backend's outputs against the reference backend's.")
      .def_ro("comparable", &A::comparable)
      .def_ro("note", &A::note)
      .def_ro("max_abs", &A::max_abs)
      .def_ro("max_rel", &A::max_rel)
      .def_ro("max_elem_rel", &A::max_elem_rel)
      .def_ro("rows", &A::rows)
      .def_prop_ro("top1_agreement", &A::top1_agreement);
  using Row = bench::CompareRow;
  nb::class_<Row> row(m, "CompareRow", "One backend of a compare run.");
  row.def_ro("name", &Row::name)
      .def_ro("status", &Row::status, "ok, missing, timeout, crashed or error")
      .def_ro("error", &Row::error)
      .def_prop_ro("measured", &Row::measured)
      .def_prop_ro(
          "agreement",
          [](const Row& r) {
            return r.agreement_done ? std::optional<A>(r.agreement) : std::nullopt;
          },
          "None for the reference backend and for a backend that failed first")
      .def("to_json", [](const Row& r) { return to_dict(r.summary); });
  scenario_attributes(row, [](const Row& r) -> const bench::ScenarioResult& { return r.result; });
  meta_attributes(row, [](const Row& r) -> const bench::RunMeta& { return r.meta; });
  using C = bench::CompareResult;
  nb::class_<C>(m, "CompareResult", "What inferlab.lab.compare measured, one row per backend.")
      .def_ro("model", &C::model)
      .def_ro("run_id", &C::run_id)
      .def_ro("reference", &C::reference)
      .def_ro("rows", &C::rows)
      .def_ro("native_fps", &C::native_fps)
      .def_prop_ro("scenario", [](const C& c) { return c.scenario.scenario; })
      .def_prop_ro("fingerprint", [](const C& c) { return to_dict(c.fingerprint); })
      .def(
          "row",
          [](const C& c, const std::string& name) {
            for (const auto& r : c.rows)
              if (r.name == name) return r;
            invalid_argument("no row '" + name + "' in this compare result");
          },
          nb::arg("name"))
      .def("to_json", [](const C& c) { return to_dict(bench::to_json(c)); })
      .def("to_csv", [](const C& c) { return bench::to_csv(c); });
}

}  // namespace

void bind_lab_results(nb::module_& m) {
  nb::enum_<bench::Scenario>(m, "Scenario", "LoadGen-style scenarios (docs/bench.md).")
      .value("single_stream", bench::Scenario::single_stream)
      .value("multi_stream", bench::Scenario::multi_stream)
      .value("offline", bench::Scenario::offline)
      .value("server", bench::Scenario::server);
  bind_stats(m);
  bind_bench_result(m);
  bind_compare_result(m);
}

}  // namespace inferlab::py
