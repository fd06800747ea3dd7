#include "inferlab/lab/distributed.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "ir/error.h"

namespace inferlab::fleet {

nlohmann::json to_json(const RankFigures& f) {
  return {{"rank", f.rank},       {"host", f.host},   {"samples", f.samples},
          {"start_s", f.start_s}, {"end_s", f.end_s}, {"throughput_fps", f.throughput()}};
}

RankFigures rank_figures_from_json(const nlohmann::json& j) {
  return {j.at("rank"), j.at("host"), j.at("samples"), j.at("start_s"), j.at("end_s")};
}

DistributedRepetition aggregate_ranks(int index, std::vector<RankFigures> ranks) {
  DistributedRepetition d;
  d.index = index;
  if (ranks.empty()) return d;
  double first = ranks[0].start_s, last = ranks[0].end_s;
  std::vector<double> per_rank;
  for (const auto& r : ranks) {
    first = std::min(first, r.start_s);
    last = std::max(last, r.end_s);
    d.samples += r.samples;
    per_rank.push_back(r.throughput());
  }
  d.wall_s = last - first;
  d.throughput_fps = d.wall_s > 0 ? static_cast<double>(d.samples) / d.wall_s : 0;
  d.per_rank = bench::compute_spread(per_rank);
  d.ranks = std::move(ranks);
  return d;
}

std::int64_t query_share(std::int64_t total, int ranks, int rank) {
  return total / ranks + (rank < total % ranks ? 1 : 0);
}

void collective(const MpiSession& mpi, const std::string& step, const std::function<void()>& body) {
  std::string error;
  try {
    body();
  } catch (const std::exception& e) {
    error = *e.what() ? e.what() : "failed";
  }
  const auto all = mpi.allgather(error);
  std::string msg;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!all[i].empty()) msg += fmt::format("{}rank {}: {}", msg.empty() ? "" : "; ", i, all[i]);
  if (!msg.empty()) fail("{} failed on {}", step, msg);
}

void check_same_run(const std::vector<std::string>& d) {
  std::string diff;
  for (std::size_t i = 1; i < d.size(); ++i)
    if (d[i] != d[0]) diff += fmt::format("; rank {} runs {}", i, d[i]);
  if (!diff.empty())
    fail("MPI ranks run different models or settings: rank 0 runs {}{}", d.empty() ? "" : d[0],
         diff);
}

std::string model_digest(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail("cannot read model {}", path);
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  std::int64_t size = 0;
  char buf[1 << 16];
  while (f.read(buf, sizeof buf) || f.gcount() > 0) {
    for (std::streamsize i = 0; i < f.gcount(); ++i) {
      h ^= static_cast<unsigned char>(buf[i]);
      h *= 1099511628211ull;
    }
    size += f.gcount();
  }
  const auto slash = path.find_last_of('/');
  return fmt::format("{} size={} fnv1a={:016x}",
                     slash == std::string::npos ? path : path.substr(slash + 1), size, h);
}

namespace {
std::string host_name() {
  char h[256] = {};
  gethostname(h, sizeof h - 1);
  return h;
}
}  // namespace

std::vector<DistributedRepetition> run_distributed(
    const MpiSession& mpi, bench::LoadPlan plan, std::int64_t total_queries, int repetitions,
    const MeasureFn& measure, const std::function<void(const DistributedRepetition&)>& on_done) {
  if (total_queries < mpi.size())
    fail("--niter {} gives some of the {} ranks no query: give at least one per rank",
         total_queries, mpi.size());
  bench::LoadPlan warm = plan;  // first inference and warm-up, before any timing
  warm.min_queries = std::max<std::int64_t>(1, plan.warmup_queries);
  warm.warmup_queries = 0;
  warm.min_duration_s = 0;
  collective(mpi, "warm-up", [&] { measure(warm); });
  plan.warmup_queries = 0;
  plan.min_duration_s = 0;
  plan.min_queries = query_share(total_queries, mpi.size(), mpi.rank());
  const std::string host = host_name();
  std::vector<DistributedRepetition> out;
  for (int r = 1; r <= repetitions; ++r) {
    mpi.barrier();
    const auto t0 = bench::Clock::now();
    nlohmann::json mine{{"error", ""}};
    try {
      const bench::RunRecord rec = measure(plan);
      const double end = std::chrono::duration<double>(bench::Clock::now() - t0).count();
      mine["figures"] = to_json(
          RankFigures{mpi.rank(), host, rec.measured.samples, end - rec.measured.wall_s, end});
    } catch (const std::exception& e) {
      mine["error"] = e.what();
    }
    std::vector<RankFigures> ranks;
    std::string errors;
    for (const auto& s : mpi.allgather(mine.dump())) {
      const auto j = nlohmann::json::parse(s);
      if (!j["error"].get<std::string>().empty())
        errors += fmt::format("{}rank {}: {}", errors.empty() ? "" : "; ", ranks.size(),
                              j["error"].get<std::string>());
      ranks.push_back(j.contains("figures") ? rank_figures_from_json(j["figures"]) : RankFigures{});
    }
    if (!errors.empty()) fail("repetition {} failed on {}", r, errors);
    out.push_back(aggregate_ranks(r, std::move(ranks)));
    if (on_done) on_done(out.back());
  }
  return out;
}

}  // namespace inferlab::fleet
