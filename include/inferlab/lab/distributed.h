#pragma once
// The distributed offline benchmark (`mpirun -np K inferlab bench MODEL --distributed`): every
// rank runs the offline scenario on its share of the queries, all starting after a barrier;
// the aggregate throughput is the total samples over the wall time from the first issue to the
// last completion on any rank.
//
// Clocks: each rank measures its own start and end as offsets from the moment it left the
// barrier, so no clock needs to agree across nodes; the error is the barrier's exit skew
// (microseconds on one node, a network round trip across nodes).
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/loadgen.h"
#include "inferlab/lab/mpi_session.h"
#include "inferlab/lab/stats.h"

namespace inferlab::fleet {

// What one rank measured in one repetition.
struct RankFigures {
  int rank = 0;
  std::string host;
  std::int64_t samples = 0;
  double start_s = 0, end_s = 0;  // first issue / last completion, from the barrier
  double throughput() const { return end_s > start_s ? samples / (end_s - start_s) : 0; }
};
nlohmann::json to_json(const RankFigures& f);
RankFigures rank_figures_from_json(const nlohmann::json& j);

struct DistributedRepetition {
  int index = 0;  // 1-based
  std::vector<RankFigures> ranks;
  std::int64_t samples = 0;  // over every rank
  double wall_s = 0;         // max end - min start
  double throughput_fps = 0;
  bench::Spread per_rank;  // of the ranks' own throughputs
};
DistributedRepetition aggregate_ranks(int index, std::vector<RankFigures> ranks);

// Queries for `rank` when `total` are split over `ranks` (the first ones take the remainder).
std::int64_t query_share(std::int64_t total, int ranks, int rank);

// Runs `body` on every rank, then shares each rank's error: if any rank failed, every rank
// throws the same Error naming the step and each failed rank (so no rank waits forever for one
// that gave up).
void collective(const MpiSession& mpi, const std::string& step, const std::function<void()>& body);

// Every rank's description of what it runs (model digest, backend, settings): all must agree.
// Throws Error listing the ranks that differ from rank 0.
void check_same_run(const std::vector<std::string>& descriptions);
// "NAME size=BYTES fnv1a=HEX" for a model file (throws Error if unreadable).
std::string model_digest(const std::string& path);

using MeasureFn = std::function<bench::RunRecord(const bench::LoadPlan&)>;
// Warm-up (first inference and `plan.warmup_queries`, untimed), then `repetitions` times:
// barrier, this rank's share of `total_queries` through `plan` (closed loop), gather. Every rank
// gets every repetition through `on_done` as it completes.
std::vector<DistributedRepetition> run_distributed(
    const MpiSession& mpi, bench::LoadPlan plan, std::int64_t total_queries, int repetitions,
    const MeasureFn& measure, const std::function<void(const DistributedRepetition&)>& on_done);

}  // namespace inferlab::fleet
