#pragma once
// `inferlab bench` as a library call: one model, one backend, one LoadGen-style scenario with
// repetitions; the result with what was run (backend, settings, precision per layer,
// fingerprint) and its JSON/CSV forms. The CLI and the Python package call this; they only
// parse options and present the outcome.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/backend.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/scenario.h"
#include "inferlab/lab/sweep_run.h"

namespace inferlab::bench {

struct BenchRequest {
  std::string backend = "native";
  backends::BackendOptions options;  // model and settings
  // Checked with validate(); batch, in_flight and sample_count are set from the compiled model.
  ScenarioConfig scenario;
  std::int64_t samples = 0;    // sample library size; 0: one per request in flight
  nlohmann::json inputs;       // how the library is filled: {"source", "description"}
  nlohmann::json fingerprint;  // the run's; the backend's version is added under "libraries"
  std::string run_id;
  ResultsStore* store = nullptr;  // repetitions and the summary are appended when set
  bool progress = false;          // a progress line on stderr while measuring
};

struct BenchHooks {
  // The sample library for the compiled model's inputs; empty: random_samples(scenario.seed).
  SampleFn samples;
  // Once the model is compiled and the sample library is built, before any measurement.
  std::function<void(const backends::BackendInfo&, const ScenarioConfig&)> opened;
  // As each repetition or peak trial completes.
  std::function<void(const RepetitionResult&)> repetition;
};

struct BenchOutcome {
  backends::BackendInfo info;  // backend, version, effective settings, ports, notes
  RunMeta meta;                // what was run: precision (per layer), fingerprint, layers, RSS
  ScenarioResult result;       // throughput spread, pooled latencies, per repetition
  nlohmann::json summary;      // the `--json` document (also the stored summary row)
};

// Checks the request's options (backend name, engine, counts, the scenario) before any work:
// throws Error naming the field. run_bench calls it first.
void check_request(const BenchRequest& request);

// Throws Error when an option is invalid (check_request), the backend cannot open the model, the
// scenario is inconsistent or the sample library cannot be built; nothing is stored before the
// model is open.
BenchOutcome run_bench(const BenchRequest& request, const BenchHooks& hooks = {});

// Per-layer counters as result JSON lists them (name, op, implementation, ..., avg_ms).
nlohmann::json layers_json(const std::vector<LayerProfile>& layers);

// The `--json` document (docs/metrics.md).
nlohmann::json to_json(const BenchOutcome& o);
// The `--csv` table: one flat summary row.
std::string to_csv(const BenchOutcome& o);

}  // namespace inferlab::bench
