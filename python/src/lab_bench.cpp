// inferlab.lab.bench and inferlab.lab.compare: the options of `inferlab bench` / `compare` as
// keyword arguments (python/inferlab/lab.py), run by bench::run_bench / run_compare with the
// GIL released.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>
#include <unistd.h>

#include <memory>

#include "inferlab/lab/bench_run.h"
#include "inferlab/lab/compare.h"
#include "inferlab/lab/dataset_samples.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/random_samples.h"
#include "lab.h"

namespace inferlab::py {
namespace {

// A bench request and what its sample library is made of.
struct BenchRun {
  bench::BenchRequest req;
  std::map<std::string, Tensor> given;  // inputs=: used in every sample
  std::string dataset, preset;
  std::string db;                              // db=: where the results are appended
  std::unique_ptr<bench::ResultsStore> store;  // opened once every option is checked

  void open_store() {
    if (!db.empty()) store = bench::open_results_store(bench::resolve_store_location(db));
    req.store = store.get();
  }

  bench::SampleFn samples() const {
    if (!dataset.empty())
      return [d = dataset, p = preset](const std::vector<PortInfo>& ports, std::int64_t n) {
        return bench::dataset_samples(ports, d, p, n);
      };
    return [given = given, seed = req.scenario.seed](const std::vector<PortInfo>& ports,
                                                     std::int64_t n) {
      return bench::random_samples(ports, seed, n, given);
    };
  }
};

void read_backend_options(Options& o, backends::BackendOptions& b) {
  b.model = to_str(o["model"], "model");
  b.engine = to_engine(o["engine"], "engine");
  b.conv_algo = to_conv_algo(o["conv_algo"], "conv_algo");
  b.precision = to_precision(o["precision"], "precision");
  b.hint = to_hint(o["hint"], "hint");
  b.batch = to_int(o["batch"], "batch");
  if (o.given("shapes"))
    for (auto [name, shape] : nb::cast<nb::dict>(o["shapes"]))
      b.shapes[to_str(name, "shapes")] = to_shape(shape, "shapes");
  if (o.given("weights")) b.weights = to_str(o["weights"], "weights");
  const std::string api = to_str(o["api"], "api");
  if (api != "sync" && api != "async")
    invalid_argument("api must be sync or async (got '" + api + "')");
  b.async = api == "async";
  b.streams = to_int(o["streams"], "streams");
  b.threads = to_int(o["threads"], "threads");
  b.nireq = to_int(o["nireq"], "nireq");
  b.pin = to_bool(o["pin"], "pin");
  b.perf_counters = to_bool(o["perf_counters"], "perf_counters");
  b.opt_level = to_int(o["opt_level"], "opt_level");
  b.timeout_s = to_double(o["timeout"], "timeout");
}

void read_scenario(Options& o, bench::ScenarioConfig& s, PerformanceHint hint) {
  if (!o.given("scenario"))  // as the CLI: the hint chooses
    s.scenario = hint == PerformanceHint::throughput ? bench::Scenario::offline
                                                     : bench::Scenario::single_stream;
  else if (nb::isinstance<nb::str>(o["scenario"]))
    s.scenario = bench::parse_scenario(nb::cast<std::string>(o["scenario"]));
  else
    s.scenario = nb::cast<bench::Scenario>(o["scenario"]);
  s.repetitions = to_int(o["repetitions"], "repetitions");
  s.iterations = to_int(o["niter"], "niter");
  if (o.given("time") && !(to_double(o["time"], "time") > 0))
    invalid_argument("time must be a positive number of seconds");
  s.duration_s = o.given("time") ? to_double(o["time"], "time") : (s.iterations > 0 ? 0 : 5);
  s.warmup = to_int(o["warmup"], "warmup");
  s.samples_per_query = to_int(o["samples_per_query"], "samples_per_query");
  s.rate_qps = to_double(o["rate"], "rate");
  s.latency_bound_ms = to_double(o["latency_bound"], "latency_bound");
  s.find_peak = to_bool(o["find_peak"], "find_peak");
  const int seed = to_int(o["seed"], "seed");
  if (seed < 0) invalid_argument("seed must be zero or more");
  s.seed = static_cast<std::uint64_t>(seed);
}

// Everything bench and compare share.
std::unique_ptr<BenchRun> read_run(Options& o) {
  auto r = std::make_unique<BenchRun>();
  read_backend_options(o, r->req.options);
  read_scenario(o, r->req.scenario, r->req.options.hint);
  r->req.samples = to_int(o["samples"], "samples");
  if (o.given("inputs"))
    for (auto [name, array] : nb::cast<nb::dict>(o["inputs"])) {
      const std::string n = to_str(name, "inputs");
      r->given[n] = tensor_copy_from_array(array, "inputs['" + n + "']");
    }
  if (o.given("dataset")) r->dataset = to_str(o["dataset"], "dataset");
  if (o.given("preset")) r->preset = to_str(o["preset"], "preset");
  if (r->dataset.empty() != r->preset.empty())
    invalid_argument("dataset and preset go together (the preset says how to preprocess)");
  if (!r->dataset.empty() && !r->given.empty())
    invalid_argument("give dataset or inputs, not both");
  r->req.inputs =
      r->dataset.empty()
          ? nlohmann::json{{"source", "random"},
                           {"description",
                            "random (seed " + std::to_string(r->req.scenario.seed) + ")"}}
          : nlohmann::json{
                {"source", "dataset"},
                {"description", "dataset " + r->dataset + " (preset " + r->preset + ")"}};
  r->req.progress = to_bool(o["progress"], "progress");
  r->req.run_id = bench::iso_time_now() + "-" + std::to_string(getpid());
  if (o.given("db")) r->db = to_str(o["db"], "db");
  return r;
}

bench::BenchOutcome run_bench(nb::dict options) {
  Options o(options, "bench");
  auto r = read_run(o);
  r->req.backend = to_str(o["backend"], "backend");
  o.check_all_read();
  bench::check_request(r->req);
  r->open_store();
  bench::BenchHooks hooks;
  hooks.samples = r->samples();
  nb::gil_scoped_release nogil;
  r->req.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  return bench::run_bench(r->req, hooks);
}

bench::CompareResult run_compare(nb::dict options) {
  Options o(options, "compare");
  auto r = read_run(o);
  bench::CompareOptions c;
  for (nb::handle n : nb::cast<nb::sequence>(o["backends"]))
    c.backends.push_back(to_str(n, "backends"));
  o.check_all_read();
  if (c.backends.empty()) invalid_argument("backends is empty");
  for (const auto& n : c.backends) backends::check_backend_name(n);
  bench::check_request(r->req);  // the options every backend gets (as the "native" default)
  if (r->req.scenario.find_peak) invalid_argument("find_peak is not available in compare");
  r->open_store();
  c.backend = r->req.options;
  c.scenario = r->req.scenario;
  c.sample_count = r->req.samples > 0 ? r->req.samples : 4;
  c.run_id = r->req.run_id;
  c.store = r->store.get();
  bench::CompareHooks hooks;
  hooks.samples = r->samples();
  nb::gil_scoped_release nogil;
  c.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  return bench::run_compare(c, hooks);
}

}  // namespace

void bind_lab_bench(nb::module_& m) {
  m.def("_lab_bench", &run_bench, nb::arg("options"),
        "inferlab.lab.bench's implementation: options as lab.py passes them");
  m.def("_lab_compare", &run_compare, nb::arg("options"),
        "inferlab.lab.compare's implementation: options as lab.py passes them");
}

}  // namespace inferlab::py
