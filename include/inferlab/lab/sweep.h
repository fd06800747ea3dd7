#pragma once
// Parameter sweeps: a grid over backends x precision x streams x threads per stream x batch,
// each point measured by the Offline scenario with the harness's repetitions, and the answers a
// sweep gives per backend (best throughput, best p50/p90 latency, best throughput under a p99
// bound, the Pareto front). The grid and the analysis are pure functions (sweep.cpp); running
// points and storing them in the results database is sweep_run.cpp. Rules: docs/lab.md.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace inferlab::bench {

inline constexpr int kAuto = 0;  // streams / threads chosen by the backend from the cores

struct SweepGrid {
  std::vector<std::string> backends{"native"};
  std::vector<std::string> precisions{"f32"};
  std::vector<int> streams;  // kAuto allowed
  std::vector<int> threads;  // per stream; kAuto allowed
  std::vector<int> batches;
};

// The grid a machine with `cores` cores gets when an axis is not given: batch 1,2,4,8; streams
// 1, 2, 4, ... up to the cores, plus "auto"; threads per stream "auto" (cores / streams).
SweepGrid default_grid(int cores);

// "1,2,4" -> {1,2,4}; "auto" -> kAuto when `allow_auto`. Throws Error naming `option` and the
// offending item on anything else (empty items, zero, negatives, non-numbers, duplicates).
std::vector<int> parse_int_axis(const std::string& text, const std::string& option,
                                bool allow_auto);
// "f32,bf16" -> names, each checked against f32|bf16|f16|i8|u8.
std::vector<std::string> parse_precision_axis(const std::string& text);
// "native,onnxruntime" -> names, each checked against the known backends.
std::vector<std::string> parse_backend_axis(const std::string& text);

struct SweepPoint {
  int id = 0;  // position in sweep_points(); stable for a given grid
  std::string backend, precision;
  int streams = kAuto, threads = kAuto, batch = 1;
  std::string key() const;  // "native/f32/s2/tauto/b4"
};
nlohmann::json to_json(const SweepPoint& p);

// Every point of the grid, batch innermost (so pruning can skip the larger batches of a group).
std::vector<SweepPoint> sweep_points(const SweepGrid& g);
// Points of the same backend/precision/streams/threads (a pruning group) share this.
std::string group_key(const SweepPoint& p);

// A stable id for (model, grid, measurement settings): the same sweep resumes under it.
std::string sweep_id(const std::string& model, const SweepGrid& g, const nlohmann::json& settings);

enum class PointStatus { measured, failed, pruned };
std::string status_name(PointStatus s);
PointStatus parse_status(const std::string& s);

struct PointResult {
  SweepPoint point;
  PointStatus status = PointStatus::measured;
  std::string reason;         // failed / pruned: why
  double throughput_fps = 0;  // median over repetitions
  double ci95_low = 0, ci95_high = 0, cv = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0;
  int streams_used = 0, threads_used = 0;  // what the backend chose for "auto"
};
nlohmann::json to_json(const PointResult& r);
PointResult point_result_from_json(const nlohmann::json& j);

// Pruning rule: within a group, stop raising the batch once a batch is slower than the best
// smaller batch beyond the noise: its CI95 upper bound is below the best one's CI95 lower bound
// (and it is slower by at least `min_gain`, 2% by default). A batch that merely does not gain
// is no reason to stop: on CPUs throughput often creeps up flat over small batches and then
// rises (ResNet-50 here: batch 1 and 2 within 1%, batch 16 12% above; docs/lab.md).
bool stop_raising_batch(const PointResult& best_smaller, const PointResult& current,
                        double min_gain = 0.02);

struct BackendAnswers {
  std::string backend;
  std::optional<PointResult> best_throughput, best_p50, best_p90, best_under_bound;
  std::vector<PointResult> pareto;  // throughput vs p90 latency, by increasing latency
  int measured = 0, failed = 0, pruned = 0;
};
// Per backend, in the order backends first appear in `results`. `latency_bound_ms` 0: no
// bounded answer.
std::vector<BackendAnswers> sweep_answers(const std::vector<PointResult>& results,
                                          double latency_bound_ms);
// Non-dominated points: no other point has higher-or-equal throughput and lower-or-equal p90
// with one of them strictly better.
std::vector<PointResult> pareto_front(std::vector<PointResult> measured);

// Seconds the sweep should take: per point, compile + repetitions x (warm-up + duration).
double estimate_sweep_seconds(std::size_t points, int repetitions, double duration_s,
                              double per_point_overhead_s = 3.0);

}  // namespace inferlab::bench
