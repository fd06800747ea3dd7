// `inferlab sweep MODEL`: measure a grid of backends x precision x streams x threads x batch
// and answer, per backend, the best throughput, the best p50/p90 latency, the best throughput
// under a p99 bound and the Pareto front. Points are stored under a sweep id as they complete;
// rerunning the same command resumes. `--list-points` / `--point K` let a job array run one
// point each (rules: docs/lab.md).
#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "bench_options.h"
#include "command.h"
#include "inferlab/lab/fingerprint.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/sweep_run.h"
#include "lab_commands.h"
#include "slurm_cli.h"
#include "sweep_cli.h"

namespace inferlab::cli {
namespace {

struct SweepCmd {
  SweepArgs args;
  std::string json;
  bool list_points = false;
  int point = -1;
  SlurmCli slurm;
};

void print_point(const bench::PointResult& r, bool resumed) {
  if (r.status == bench::PointStatus::measured)
    fmt::print(
        "  [{:3}] {:<28} {:9.2f} samples/s (CI95 {:.2f}..{:.2f})  p50 {:8.3f}  p90 {:8.3f}  "
        "p99 {:8.3f} ms  [{} streams x {} threads]{}\n",
        r.point.id, r.point.key(), r.throughput_fps, r.ci95_low, r.ci95_high, r.p50_ms, r.p90_ms,
        r.p99_ms, r.streams_used, r.threads_used, resumed ? "  (stored)" : "");
  else
    fmt::print("  [{:3}] {:<28} {}: {}{}\n", r.point.id, r.point.key(),
               bench::status_name(r.status), r.reason, resumed ? "  (stored)" : "");
}

void print_answer(const char* what, const std::optional<bench::PointResult>& r) {
  if (!r) {
    fmt::print("    {:<30} none\n", what);
    return;
  }
  fmt::print("    {:<30} {:<28} {:.2f} samples/s, p50 {:.3f} ms, p90 {:.3f} ms, p99 {:.3f} ms\n",
             what, r->point.key(), r->throughput_fps, r->p50_ms, r->p90_ms, r->p99_ms);
}

}  // namespace

SweepSummary run_sweep_command(const SweepArgs& a, const std::string& json_path) {
  SweepSummary sum{plan_sweep(a), {}, {}};
  const SweepPlan& plan = sum.plan;
  auto db = bench::open_results_store(bench::resolve_store_location(a.db));
  fmt::print("sweep {}: {} points, {} repetition(s) of {:.1f} s each; estimate {:.1f} min{}\n",
             plan.run.id, plan.points.size(), plan.run.scenario.repetitions,
             plan.run.scenario.duration_s, plan.estimate_s / 60,
             plan.run.budget_s > 0 ? fmt::format(" (budget {:.1f} min)", plan.run.budget_s / 60)
                                   : std::string());
  fmt::print("inputs: {}\n", plan.run.inputs_note.value("description", ""));
  if (const auto& c = plan.run.base.calibration; !c.dir.empty())
    fmt::print(
        "i8 points: the model is quantized in memory once, calibrated on {} images spread over "
        "{} (preset {}), as `inferlab quantize --samples {}` does; each i8 result's settings "
        "record it\n",
        c.samples, c.dir, c.preset, c.samples);
  sum.out = bench::run_sweep(plan.points, plan.run, *db, print_point);
  sum.answers = bench::sweep_answers(sum.out.results, a.latency_bound_ms);
  for (const auto& ans : sum.answers) {
    fmt::print("\n{}: {} measured, {} failed, {} pruned\n", ans.backend, ans.measured, ans.failed,
               ans.pruned);
    print_answer("best throughput", ans.best_throughput);
    print_answer("best p50 latency", ans.best_p50);
    print_answer("best p90 latency", ans.best_p90);
    if (a.latency_bound_ms > 0)
      print_answer(fmt::format("best throughput, p99<={}ms", a.latency_bound_ms).c_str(),
                   ans.best_under_bound);
    fmt::print("    Pareto front (throughput vs p90):");
    for (const auto& p : ans.pareto)
      fmt::print(" {} ({:.1f}/s, {:.2f} ms);", p.point.key(), p.throughput_fps, p.p90_ms);
    fmt::print("\n");
  }
  if (!sum.out.left.empty())
    fmt::print("\n{} point(s) not measured: the budget ran out; rerun the same command to resume\n",
               sum.out.left.size());
  if (!json_path.empty())
    write_file_atomically(
        json_path, bench::sweep_json(plan.run, sum.out, sum.answers).dump(2) + "\n", "--json file");
  fmt::print("sweep {} recorded in {} ({} point(s) resumed from it)\n", plan.run.id, db->location(),
             sum.out.resumed);
  return sum;
}

namespace {

// `sweep ... --slurm`: every point not yet in the store becomes one task of a Slurm job array
// (`sweep ... --point K` on its own node, recording under the same sweep id); once every point
// is stored, the answers are computed from the store (nothing is measured here).
void run_sweep_on_slurm(SweepCmd& c) {
  if (c.point >= 0 || c.list_points)
    fail("--slurm submits every point: drop --point/--list-points");
  const SweepPlan plan = plan_sweep(c.args);
  c.args.db = bench::resolve_store_location(c.args.db);
  std::set<int> stored;
  for (const auto& r : bench::stored_points(*bench::open_results_store(c.args.db), plan.run.id))
    stored.insert(r.point.id);
  auto drop = slurm_option_names();
  drop.push_back("--json");  // written once, here, from the store
  const auto base = own_arguments({"--slurm", "--no-exclusive"}, drop);
  std::vector<fleet::SlurmTask> tasks;
  for (const auto& p : plan.points) {
    if (stored.count(p.id)) continue;
    auto args = base;
    args.insert(args.end(), {"--point", std::to_string(p.id)});
    tasks.push_back({fmt::format("point {} {}", p.id, p.key()), std::move(args)});
  }
  fmt::print("sweep {}: {} point(s), {} already stored, {} to submit\n", plan.run.id,
             plan.points.size(), stored.size(), tasks.size());
  if (!tasks.empty()) {
    try {
      run_on_slurm(tasks, c.slurm, c.args.db);
    } catch (const Exit&) {
      fmt::print(
          "the answers need every point: rerun the same command to submit the missing ones "
          "(stored points are not measured again)\n");
      throw;
    }
  }
  run_sweep_command(c.args, c.json);
}

void run(SweepCmd& c) {
  if (c.slurm.enabled) return run_sweep_on_slurm(c);
  if (c.list_points) {
    const SweepPlan plan = plan_sweep(c.args);
    nlohmann::json j = {{"sweep_id", plan.run.id}, {"points", nlohmann::json::array()}};
    for (const auto& p : plan.points) j["points"].push_back(bench::to_json(p));
    fmt::print("{}\n", j.dump(2));
    return;
  }
  if (c.point >= 0) {
    const SweepPlan plan = plan_sweep(c.args);
    if (c.point >= static_cast<int>(plan.points.size()))
      fail("--point {} is out of range: this sweep has points 0..{}", c.point,
           plan.points.size() - 1);
    auto db = bench::open_results_store(bench::resolve_store_location(c.args.db));
    print_point(bench::measure_point(plan.points[c.point], plan.run, db.get()), false);
    fmt::print("sweep {} point {} recorded in {}\n", plan.run.id, c.point, db->location());
    return;
  }
  run_sweep_command(c.args, c.json);
}

void setup_sweep(CLI::App& root) {
  auto c = std::make_shared<SweepCmd>();
  auto* cmd = root.add_subcommand("sweep", "Measure a grid of configurations, find the best");
  add_sweep_options(cmd, c->args);
  cmd->add_option("--json", c->json, "write points and answers as JSON");
  cmd->add_flag("--list-points", c->list_points, "print the point list as JSON and exit");
  cmd->add_option("--point", c->point, "measure only point K of the list (job arrays)");
  cmd->add_flag("--slurm", c->slurm.enabled,
                "run the points as a Slurm job array, one node each (docs/fleet.md)");
  add_slurm_options(cmd, c->slurm);
  cmd->callback([c] { run(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_sweep);
}  // namespace inferlab::cli
