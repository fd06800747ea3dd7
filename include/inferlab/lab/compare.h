#pragma once
// `inferlab compare`: the same scenario on several backends, repetitions run alternately
// (backend A, B, C, A, B, C, ...) so that drifts of a busy machine hit every backend alike, and
// the numerical agreement of their outputs on the same inputs. A backend that is missing,
// crashes or times out gets a row with its status; the others complete.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/backend.h"
#include "inferlab/lab/output_agreement.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/scenario.h"

namespace inferlab::bench {

struct CompareOptions {
  std::vector<std::string> backends;  // names, in order; the first that runs is the reference
  backends::BackendOptions backend;   // model and settings, the same for every backend
  ScenarioConfig scenario;
  std::int64_t sample_count = 4;
  nlohmann::json fingerprint;  // the run's; each opened toolkit's version is added
  std::string run_id;
  ResultsStore* store = nullptr;  // repetitions and summaries are appended when set
};

struct CompareRow {
  std::string name;
  std::string status = "ok";  // ok, missing, timeout, crashed, error
  std::string error;
  RunMeta meta;
  std::vector<RepetitionResult> reps;
  ScenarioResult result;  // aggregated over reps
  backends::OutputAgreement agreement;
  bool agreement_done = false;  // false for the reference and for a backend that failed first
  nlohmann::json summary;       // the stored summary (result_json, status, agreement)
  bool measured() const { return !reps.empty() && status == "ok"; }
};

struct CompareResult {
  std::string model, run_id;
  std::string reference;  // the backend whose outputs the others are compared with
  ScenarioConfig scenario;
  nlohmann::json fingerprint;
  std::vector<CompareRow> rows;
  double native_fps = 0;  // median throughput of "native", 0 when it did not run
};

struct CompareHooks {
  std::function<void(const std::string& name)> opening;
  std::function<void(const std::string& name, const backends::BackendInfo&)> opened;
  // The sample library for the model's inputs (those of the first backend that opened).
  std::function<std::vector<backends::TensorMap>(const std::vector<PortInfo>&, std::int64_t)>
      samples;
  std::function<void(const CompareRow&, const RepetitionResult&)> repetition;
};

// Throws Error (listing each backend's reason) when no backend opens the model; a backend that
// fails later keeps its row with the status.
CompareResult run_compare(const CompareOptions& o, const CompareHooks& hooks);

// The `--json` document: model, run id, every row's summary, fingerprint.
nlohmann::json to_json(const CompareResult& r);
// The `--csv` table: one flat row per backend with status and agreement.
std::string to_csv(const CompareResult& r);

}  // namespace inferlab::bench
