// `mpirun -np K inferlab bench MODEL --niter N --distributed`: each rank loads the model, warms
// up, then after a barrier runs its share of the N offline queries; rank 0 prints and records
// the aggregate throughput, the per-rank figures and their spread
// (include/inferlab/lab/distributed.h).
#include "bench_distributed.h"

#include <fmt/format.h>
#include <unistd.h>

#include "command.h"
#include "inferlab/lab/distributed.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_store.h"

namespace inferlab::cli {
namespace {

nlohmann::json ranks_json(const fleet::DistributedRepetition& d) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : d.ranks) j.push_back(fleet::to_json(r));
  return j;
}

void print_repetition(const fleet::DistributedRepetition& d) {
  fmt::print(
      "  repetition {}: {:.2f} samples/s aggregate ({} samples in {:.3f} s from the first issue "
      "to the last completion); per rank: ",
      d.index, d.throughput_fps, d.samples, d.wall_s);
  for (const auto& r : d.ranks)
    fmt::print("{}{} ({}) {:.2f}", r.rank ? ", " : "", r.rank, r.host, r.throughput());
  fmt::print(" samples/s; spread over ranks CV {:.1f}%\n", 100 * d.per_rank.cv);
}

void print_summary(const std::vector<fleet::DistributedRepetition>& reps, int ranks) {
  std::vector<double> agg;
  for (const auto& d : reps) agg.push_back(d.throughput_fps);
  const auto s = bench::compute_spread(agg);
  fmt::print(
      "\nresult     Offline distributed over {} ranks: {:.2f} samples/s (median of {}; "
      "95% CI {:.2f} .. {:.2f})\n",
      ranks, s.median, s.n, s.ci95_low, s.ci95_high);
  fmt::print("per rank   (median over repetitions)\n");
  for (int r = 0; r < ranks; ++r) {
    std::vector<double> v;
    for (const auto& d : reps) v.push_back(d.ranks[static_cast<std::size_t>(r)].throughput());
    fmt::print("  rank {:>3} {:<20} {:>10.2f} samples/s\n", r,
               reps.front().ranks[static_cast<std::size_t>(r)].host,
               bench::compute_spread(v).median);
  }
  std::vector<double> last;
  for (const auto& r : reps.back().ranks) last.push_back(r.throughput());
  const auto [lo, hi] = std::minmax_element(last.begin(), last.end());
  fmt::print("spread     ranks {:.2f} .. {:.2f} samples/s (CV {:.1f}%, last repetition)\n", *lo,
             *hi, 100 * reps.back().per_rank.cv);
}

void run_ranks(BenchArgs& a, const fleet::MpiSession& mpi) {
  const bool root = mpi.rank() == 0;

  std::unique_ptr<bench::ResultsStore> db;
  fleet::collective(mpi, "opening the results store", [&] {
    if (root && !a.no_db) db = bench::open_results_store(bench::resolve_store_location(a.db));
  });
  std::string what;
  fleet::collective(mpi, "reading the model", [&] {
    what = fmt::format("{}, backend {} ({}), precision {}, batch {}", fleet::model_digest(a.model),
                       a.backend_name, engine_name(a.backend.engine),
                       precision_name(a.backend.precision), a.batch);
  });
  fleet::check_same_run(mpi.allgather(what));

  std::unique_ptr<backends::Backend> backend;
  bench::RunMeta meta;
  fleet::collective(mpi, "loading the model", [&] {
    backend = backends::open_backend(a.backend_name, a.backend);
    const auto& info = backend->info();
    meta = backends::run_meta(info, a.backend);
    bench::ScenarioConfig& s = a.scenario;
    s.batch = meta.batch;
    s.in_flight = info.in_flight;
    s.sample_count = a.samples > 0 ? a.samples : std::max(1, info.in_flight);
    backend->set_samples(make_samples(info.inputs, a, s.sample_count));
  });
  meta.fingerprint = bench::collect_fingerprint(bench::current_command_line());
  const auto fingerprints = mpi.allgather(meta.fingerprint.dump());
  // One run id for every rank (rank 0's), so the rows of one distributed run group together.
  meta.run_id = mpi.allgather(fmt::format("{}-{}", bench::iso_time_now(), getpid()))[0];
  if (root)
    fmt::print("{} on {} ranks, {} ({}), {} queries of batch {} in total, {} in flight per rank\n",
               a.model, mpi.size(), meta.backend, meta.backend_version, a.iterations, meta.batch,
               meta.nireq);

  const bench::LoadPlan plan = bench::make_plan(a.scenario, 0, a.scenario.seed);
  auto row = [&](const char* kind) {
    nlohmann::json j{{"kind", kind},
                     {"time", bench::iso_time_now()},
                     {"backend", meta.backend},
                     {"backend_version", meta.backend_version},
                     {"model", meta.model},
                     {"scenario", "offline"},
                     {"batch", meta.batch},
                     {"streams", meta.streams},
                     {"threads", meta.threads},
                     {"precision", meta.precision},
                     {"run_id", meta.run_id},
                     {"settings", meta.settings},
                     {"ranks", mpi.size()},
                     {"fingerprint", meta.fingerprint}};
    j["rank_fingerprints"] = nlohmann::json::array();
    for (const auto& f : fingerprints) j["rank_fingerprints"].push_back(nlohmann::json::parse(f));
    return j;
  };
  const auto reps = fleet::run_distributed(
      mpi, plan, a.iterations, a.repetitions,
      [&](const bench::LoadPlan& p) { return backend->measure(p, {}); },
      [&](const fleet::DistributedRepetition& d) {
        if (!root) return;
        print_repetition(d);
        if (!db) return;
        auto j = row("distributed_repetition");
        j["repetition"] = d.index;
        j["throughput_fps"] = d.throughput_fps;
        j["samples"] = d.samples;
        j["wall_s"] = d.wall_s;
        j["per_rank"] = ranks_json(d);
        db->append(j);
      });
  if (!root) return;
  print_summary(reps, mpi.size());
  if (db) {
    auto j = row("distributed");
    std::vector<double> agg;
    for (const auto& d : reps) agg.push_back(d.throughput_fps);
    const auto s = bench::compute_spread(agg);
    j["throughput_fps"] = s.median;
    j["ci95_fps"] = {s.ci95_low, s.ci95_high};
    j["cv"] = s.cv;
    j["per_repetition"] = nlohmann::json::array();
    for (const auto& d : reps)
      j["per_repetition"].push_back({{"throughput_fps", d.throughput_fps},
                                     {"wall_s", d.wall_s},
                                     {"per_rank", ranks_json(d)}});
    db->append(j);
    fmt::print("recorded in {}\n", db->location());
  }
}

}  // namespace

void run_distributed_bench(BenchArgs& a) {
  if (!a.scenario_name.empty() && a.scenario_name != "offline")
    fail("--distributed runs the offline scenario; --scenario {} cannot be distributed",
         a.scenario_name);
  if (a.iterations <= 0 || a.duration_s)
    fail(
        "--distributed splits a fixed number of queries over the ranks: give --niter N (the "
        "total over every rank), not --time");
  a.scenario_name = "offline";
  resolve_bench_args(a);
  fleet::MpiSession mpi;
  try {
    run_ranks(a, mpi);
  } catch (const Error& e) {
    // Failures after MPI_Init are shared by every rank (fleet::collective): rank 0 says it, and
    // before MPI_Finalize (mpi's destructor): the other ranks leave Finalize only once rank 0 has
    // reached it, and mpirun kills rank 0 as soon as one of them exits non-zero, so a message
    // printed after Finalize (by main) was sometimes lost.
    if (mpi.rank() == 0) {
      std::fflush(stdout);
      fmt::print(stderr, "inferlab: error: {}\n", e.what());
      std::fflush(stderr);
    }
    throw Exit{2};
  }
}

}  // namespace inferlab::cli
