#pragma once
// Options of `inferlab sweep` (also used by `inferlab study`) and the plan they resolve to.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/calibration.h"
#include "inferlab/lab/sweep_run.h"

namespace inferlab::cli {

struct SweepArgs {
  std::string model;
  std::string backends = "native", batch, streams, threads, precision = "f32";
  double latency_bound_ms = 0;
  double budget_min = 0;
  double duration_s = 0;  // 0: from the budget, else 2 s
  int repetitions = 3;
  std::int64_t warmup = 2;
  std::uint64_t seed = 0;
  Engine engine = Engine::optimized;
  ConvAlgo conv_algo = ConvAlgo::automatic;
  std::string dataset, preset;
  data::CalibrationRequest calibration;  // i8 points of an FP32 model (preset: --preset)
  bool no_prune = false;
  std::string db;  // empty: $INFERLAB_DB, else results.db
  // Part of the sweep id when set: `study` scopes its sweeps to the host, so that nodes of one
  // CPU type writing into a shared store do not resume each other's points.
  std::string scope;
};

// Random inputs (seeded), or a dataset folder through a preprocessing preset.
bench::SampleFn sample_fn(const std::string& model, std::uint64_t seed, const std::string& dataset,
                          const std::string& preset);
// What a report says about the inputs.
nlohmann::json inputs_note(std::uint64_t seed, const std::string& dataset,
                           const std::string& preset);

void add_sweep_options(CLI::App* cmd, SweepArgs& a);

struct SweepPlan {
  bench::SweepGrid grid;
  std::vector<bench::SweepPoint> points;
  bench::SweepRun run;
  double estimate_s = 0;
};
// Validates every option (Error with a clear message) and builds the grid and run settings.
SweepPlan plan_sweep(const SweepArgs& a);

}  // namespace inferlab::cli
