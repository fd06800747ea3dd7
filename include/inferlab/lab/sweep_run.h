#pragma once
// Running a sweep: each point opened through the Backend interface, measured with the Offline
// scenario (repetitions, CI95) and stored in the results database under the sweep id as soon as
// it completes, so an interrupted sweep resumes where it stopped.
#include <functional>
#include <string>
#include <vector>

#include "inferlab/lab/backend.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/scenario.h"
#include "inferlab/lab/sweep.h"

namespace inferlab::bench {

// Builds the sample library of a point from the compiled model's input ports.
using SampleFn = std::function<std::vector<backends::TensorMap>(const std::vector<PortInfo>&,
                                                                std::int64_t count)>;

struct SweepRun {
  std::string id;                 // sweep_id()
  backends::BackendOptions base;  // model, engine, conv_algo, ...; the grid sets the rest
  ScenarioConfig scenario;        // repetitions, duration, warm-up, seed (Offline is forced)
  SampleFn samples;
  nlohmann::json fingerprint;
  nlohmann::json inputs_note;  // how the sample library is filled (random / dataset)
  bool prune = true;
  double budget_s = 0;  // 0: no limit; points left when it runs out stay unmeasured
  int cores = 1;        // available cores: points needing more fail without running
};

// Measures one point (never throws for the point's own failures: they become `failed`).
// Appends the harness's summary and a "sweep_point" row to `db` when given.
PointResult measure_point(const SweepPoint& p, const SweepRun& run, ResultsStore* db);

// Completed points of sweep `id` stored in `db` (last row per point id wins).
std::vector<PointResult> stored_points(const ResultsStore& db, const std::string& id);

struct SweepOutcome {
  std::vector<PointResult> results;  // in point order: measured, failed, pruned
  std::vector<SweepPoint> left;      // not measured: the budget ran out
  int resumed = 0;                   // points taken from the database
};

// Runs every point in order (resuming from `db`), pruning per the documented rule.
// `on_point` is called after each point with its result and whether it came from the database.
SweepOutcome run_sweep(const std::vector<SweepPoint>& points, const SweepRun& run, ResultsStore& db,
                       const std::function<void(const PointResult&, bool resumed)>& on_point);

// The `sweep --json` document: sweep id, model, inputs, every point, those left unmeasured and
// the answers per backend.
nlohmann::json sweep_json(const SweepRun& run, const SweepOutcome& out,
                          const std::vector<BackendAnswers>& answers);

}  // namespace inferlab::bench
