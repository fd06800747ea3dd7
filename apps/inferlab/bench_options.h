#pragma once
// Options shared by `inferlab bench` and `inferlab compare`, their validation (before any work
// starts) and the sample library they build. The mapping to OpenVINO's benchmark_app flags is
// documented in docs/bench.md.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "inferlab/lab/backend.h"
#include "inferlab/lab/scenario.h"

namespace inferlab::cli {

struct BenchArgs {
  std::string model;
  backends::BackendOptions backend;
  bench::ScenarioConfig scenario;
  std::string backend_name = "native";
  std::string
      scenario_name;  // empty: follows the hint (latency: single_stream, throughput: offline)
  std::string api = "async", hint = "latency";
  std::vector<std::string> shapes, inputs;
  std::uint64_t seed = 0;
  std::int64_t batch = 0, iterations = 0, warmup = 2, samples = 0;
  int streams = 0, threads = 0, nireq = 0, repetitions = 3, samples_per_query = 8;
  std::optional<double> duration_s;  // absent: not given (any given value is checked)
  bool no_pin = false, force = false, no_progress = false, perf_counters = false, no_db = false;
  std::string json, csv, db;    // db: empty = $INFERLAB_DB or results.db
  std::string dataset, preset;  // sample library from images (preprocessed before timing)
};

void add_bench_options(CLI::App* cmd, BenchArgs& a);
// Checks every option and fills a.backend / a.scenario; throws Error with a clear message.
void resolve_bench_args(BenchArgs& a);
// Random (seeded) or file inputs for every port; `count` samples.
std::vector<backends::TensorMap> make_samples(const std::vector<PortInfo>& ports,
                                              const BenchArgs& a, std::int64_t count);

}  // namespace inferlab::cli
