// inferlab.lab.sweep: `inferlab sweep` as a call (bench::run_sweep, GIL released) and its points
// and per-backend answers as Python objects.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <filesystem>

#include "inferlab/lab/core_set.h"
#include "inferlab/lab/dataset_samples.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/random_samples.h"
#include "lab.h"

namespace inferlab::py {
namespace {

// Without db=: the points stay in memory (nothing to resume from).
class MemoryStore : public bench::ResultsStore {
 public:
  std::int64_t append(const nlohmann::json&) override { return ++rows_; }
  std::size_t import_rows(const std::vector<nlohmann::json>&) override { return 0; }
  std::vector<nlohmann::json> query(const std::vector<std::string>&) const override { return {}; }
  std::string integrity_check() const override { return "ok"; }
  std::string location() const override { return "memory"; }

 private:
  std::int64_t rows_ = 0;
};

// A list axis as the CLI's text ("1,2,auto"), so that the library's checks apply unchanged.
std::string axis_text(Options& o, const char* key, bool enum_names) {
  std::string text;
  for (nb::handle v : nb::cast<nb::sequence>(o[key])) {
    std::string item;
    if (nb::isinstance<nb::str>(v))
      item = nb::cast<std::string>(v);
    else if (enum_names)
      item = precision_name(to_precision(v, key));
    else
      item = std::to_string(to_int(v, key));
    text += (text.empty() ? "" : ",") + item;
  }
  return text;
}

bench::SweepGrid read_grid(Options& o, int cores) {
  bench::SweepGrid g = bench::default_grid(cores);
  g.backends = bench::parse_backend_axis(axis_text(o, "backends", false));
  g.precisions = bench::parse_precision_axis(axis_text(o, "precisions", true));
  if (o.given("batches"))
    g.batches = bench::parse_int_axis(axis_text(o, "batches", false), "batches", false);
  if (o.given("streams"))
    g.streams = bench::parse_int_axis(axis_text(o, "streams", false), "streams", true);
  if (o.given("threads"))
    g.threads = bench::parse_int_axis(axis_text(o, "threads", false), "threads", true);
  return g;
}

SweepResult run_sweep(nb::dict options) {
  Options o(options, "sweep");
  SweepResult res;
  bench::SweepRun& r = res.run;
  r.cores = bench::available_cpu_count();
  const bench::SweepGrid grid = read_grid(o, r.cores);
  r.base.model = to_str(o["model"], "model");
  r.base.engine = to_engine(o["engine"], "engine");
  r.base.conv_algo = to_conv_algo(o["conv_algo"], "conv_algo");
  r.prune = to_bool(o["prune"], "prune");
  bench::ScenarioConfig& s = r.scenario;
  s.scenario = bench::Scenario::offline;
  s.repetitions = to_int(o["repetitions"], "repetitions");
  s.duration_s = to_double(o["time"], "time");
  s.warmup = to_int(o["warmup"], "warmup");
  const int seed = to_int(o["seed"], "seed");
  const double bound = to_double(o["latency_bound"], "latency_bound");
  const std::string dataset = o.given("dataset") ? to_str(o["dataset"], "dataset") : "";
  const std::string preset = o.given("preset") ? to_str(o["preset"], "preset") : "";
  const std::string db = o.given("db") ? to_str(o["db"], "db") : "";
  o.check_all_read();
  if (!std::filesystem::exists(r.base.model))
    invalid_argument("model file '" + r.base.model + "' does not exist");
  if (s.repetitions < 1 || s.warmup < 0 || !(s.duration_s > 0) || seed < 0 || bound < 0)
    invalid_argument(
        "sweep: repetitions >= 1, warmup >= 0, time > 0, seed >= 0, latency_bound >= 0");
  if (dataset.empty() != preset.empty()) invalid_argument("dataset and preset go together");
  s.seed = static_cast<std::uint64_t>(seed);
  if (dataset.empty())
    r.samples = [seed = s.seed](const std::vector<PortInfo>& ports, std::int64_t n) {
      return bench::random_samples(ports, seed, n);
    };
  else
    r.samples = [dataset, preset](const std::vector<PortInfo>& ports, std::int64_t n) {
      return bench::dataset_samples(ports, dataset, preset, n);
    };
  r.inputs_note =
      dataset.empty()
          ? nlohmann::json{{"source", "random"},
                           {"seed", s.seed},
                           {"description", "random (seed " + std::to_string(seed) + ")"}}
          : nlohmann::json{{"source", "dataset"},
                           {"dataset", dataset},
                           {"preset", preset},
                           {"description", "dataset " + dataset + " (preset " + preset +
                                               "), preprocessed before timing"}};
  // The settings the CLI puts in the id: the same sweep from Python and the CLI resumes alike.
  const nlohmann::json settings = {{"repetitions", s.repetitions},
                                   {"duration_s", s.duration_s},
                                   {"warmup", s.warmup},
                                   {"engine", engine_name(r.base.engine)},
                                   {"conv_algo", conv_algo_name(r.base.conv_algo)},
                                   {"inputs", r.inputs_note}};
  r.id = bench::sweep_id(std::filesystem::absolute(r.base.model).string(), grid, settings);
  std::unique_ptr<bench::ResultsStore> store =
      db.empty() ? std::make_unique<MemoryStore>()
                 : bench::open_results_store(bench::resolve_store_location(db));
  nb::gil_scoped_release nogil;
  r.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  res.outcome = bench::run_sweep(bench::sweep_points(grid), r, *store, {});
  res.answers = bench::sweep_answers(res.outcome.results, bound);
  return res;
}

void bind_sweep_results(nb::module_& m) {
  using P = bench::PointResult;
  nb::class_<P>(m, "SweepPoint", "One point of a sweep: its settings and what it measured.")
      .def_prop_ro("id", [](const P& p) { return p.point.id; })
      .def_prop_ro(
          "key", [](const P& p) { return p.point.key(); }, "e.g. native/f32/s2/tauto/b4")
      .def_prop_ro("backend", [](const P& p) { return p.point.backend; })
      .def_prop_ro("precision", [](const P& p) { return p.point.precision; })
      .def_prop_ro(
          "streams", [](const P& p) { return p.point.streams; }, "0: auto")
      .def_prop_ro(
          "threads", [](const P& p) { return p.point.threads; }, "0: auto")
      .def_prop_ro("batch", [](const P& p) { return p.point.batch; })
      .def_prop_ro(
          "status", [](const P& p) { return bench::status_name(p.status); },
          "measured, failed or pruned")
      .def_ro("reason", &P::reason)
      .def_ro("throughput_fps", &P::throughput_fps)
      .def_ro("ci95_low", &P::ci95_low)
      .def_ro("ci95_high", &P::ci95_high)
      .def_ro("cv", &P::cv)
      .def_ro("p50_ms", &P::p50_ms)
      .def_ro("p90_ms", &P::p90_ms)
      .def_ro("p99_ms", &P::p99_ms)
      .def_ro("streams_used", &P::streams_used)
      .def_ro("threads_used", &P::threads_used)
      .def("to_json", [](const P& p) { return to_dict(bench::to_json(p)); });
  using A = bench::BackendAnswers;
  nb::class_<A>(m, "SweepAnswers", "What a sweep answers for one backend.")
      .def_ro("backend", &A::backend)
      .def_ro("best_throughput", &A::best_throughput)
      .def_ro("best_p50", &A::best_p50)
      .def_ro("best_p90", &A::best_p90)
      .def_ro("best_under_bound", &A::best_under_bound, "None without latency_bound")
      .def_ro("pareto", &A::pareto, "throughput vs p90 latency, by increasing latency")
      .def_ro("measured", &A::measured)
      .def_ro("failed", &A::failed)
      .def_ro("pruned", &A::pruned);
  nb::class_<SweepResult>(m, "SweepResult", "What inferlab.lab.sweep measured.")
      .def_prop_ro("sweep_id", [](const SweepResult& r) { return r.run.id; })
      .def_prop_ro("model", [](const SweepResult& r) { return r.run.base.model; })
      .def_prop_ro("points", [](const SweepResult& r) { return r.outcome.results; })
      .def_prop_ro("not_measured",
                   [](const SweepResult& r) {
                     std::vector<std::string> keys;
                     for (const auto& p : r.outcome.left) keys.push_back(p.key());
                     return keys;
                   })
      .def_prop_ro("resumed", [](const SweepResult& r) { return r.outcome.resumed; })
      .def_ro("answers", &SweepResult::answers)
      .def("to_json", [](const SweepResult& r) {
        return to_dict(bench::sweep_json(r.run, r.outcome, r.answers));
      });
}

}  // namespace

void bind_lab_sweep(nb::module_& m) {
  bind_sweep_results(m);
  m.def("_lab_sweep", &run_sweep, nb::arg("options"),
        "inferlab.lab.sweep's implementation: options as lab.py passes them");
}

}  // namespace inferlab::py
