#pragma once
// Core scaling: a model measured on the first 1, 2, ... k physical cores (the process
// restricted and the backend's streams pinned inside them), in throughput mode (Offline, streams
// from the throughput hint) and latency mode (SingleStream, one stream over the k cores).
// Speedup S(k) = X(k) / X(1) and efficiency S(k) / k, X being throughput (docs/lab.md).
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/results_store.h"
#include "inferlab/lab/sweep_run.h"

namespace inferlab::bench {

enum class ScaleMode { throughput, latency };
std::string mode_name(ScaleMode m);

struct ScalePoint {
  std::string backend;
  ScaleMode mode = ScaleMode::throughput;
  int cores = 1;
  int streams = 1, threads = 1;
  bool failed = false;
  std::string reason;
  double throughput_fps = 0, ci95_low = 0, ci95_high = 0, p50_ms = 0, p90_ms = 0;
  double speedup = 0, efficiency = 0;  // against the same backend and mode on 1 core
};
nlohmann::json to_json(const ScalePoint& p);

struct ScaleRun {
  std::string id;  // groups the rows of one scale run in the database
  std::vector<std::string> backends{"native"};
  std::vector<int> cores;  // core counts, each checked against the machine
  std::vector<ScaleMode> modes{ScaleMode::throughput, ScaleMode::latency};
  backends::BackendOptions base;  // model, batch, precision, engine
  ScenarioConfig scenario;        // repetitions, duration, warm-up
  SampleFn samples;
  nlohmann::json fingerprint, inputs_note;
};

// Measures every backend x mode x core count; failures are kept with their reason.
std::vector<ScalePoint> run_scale(const ScaleRun& run, ResultsStore* db,
                                  const std::function<void(const ScalePoint&)>& on_point);
// Fills speedup and efficiency from the 1-core point of the same backend and mode.
void compute_speedups(std::vector<ScalePoint>& points);

}  // namespace inferlab::bench
