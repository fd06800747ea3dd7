// `inferlab study [MODEL]`: the whole experiment in one command, within a time budget: every
// installed backend swept and compared at its best configuration, precisions, core scaling,
// roofline, accuracy when a dataset is given, all stored in results.db and drawn in one HTML
// report. Without MODEL it studies the zoo's ResNet-50 (written once into --workdir).
// `--slurm --nodes N` runs the whole study on N nodes (one Slurm array task each) and draws the
// report from their results, per CPU model (docs/fleet.md).
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "command.h"
#include "inferlab/lab/core_set.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_store.h"
#include "inferlab/lab/zoo.h"
#include "lab_commands.h"
#include "slurm_cli.h"

extern char** environ;

namespace inferlab::cli {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct StudyCmd {
  std::string model, dataset, preset, workdir = "study", output = "study.html";
  std::string db;           // empty: $INFERLAB_DB, else results.db
  std::string calibration;  // i8 stage of an FP32 model: calibration images (with --preset)
  double budget_min = 5;
  std::size_t limit = 200;
  int nodes = 1;  // --slurm: how many nodes run the whole study
  SlurmCli slurm;
};

// A study's sweeps are this machine's own: on a store shared by a fleet, another node's points
// of the same configuration are not "resumed" here.
std::string host_scope() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return std::string("host:") + name;
}

double minutes_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count() / 60;
}

// Backends that open the studied model here; the others are reported with the reason.
std::vector<std::string> installed_backends(const std::string& probe) {
  std::vector<std::string> ok;
  for (const auto& name : backends::backend_names()) {
    try {
      backends::BackendOptions o;
      o.model = probe;
      o.batch = 1;
      o.timeout_s = 60;
      backends::open_backend(name, o);
      ok.push_back(name);
    } catch (const std::exception& e) {
      fmt::print("  backend {} not available: {}\n", name, e.what());
    }
  }
  return ok;
}

// Runs `inferlab accuracy` (this executable) for one backend; its JSON becomes an accuracy row.
void run_accuracy(const StudyCmd& c, const std::string& model, const std::string& backend) {
  const std::string json = (fs::path(c.workdir) / ("accuracy_" + backend + ".json")).string();
  std::vector<std::string> args{"/proc/self/exe",
                                "accuracy",
                                model,
                                "--dataset",
                                c.dataset,
                                "--preset",
                                c.preset,
                                "--backend",
                                backend,
                                "--limit",
                                std::to_string(c.limit),
                                "--json",
                                json};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  pid_t pid;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ) != 0)
    fail("cannot start the accuracy run for {}", backend);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fmt::print("  accuracy on {} failed (exit status {}); see above\n", backend,
               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return;
  }
  std::ifstream f(json);
  nlohmann::json j = nlohmann::json::parse(f);
  j["precision"] = "f32";
  j["samples"] = j.value("images", 0);
  bench::open_results_store(c.db)->append({{"kind", "accuracy"},
                                           {"time", bench::iso_time_now()},
                                           {"backend", backend},
                                           {"model", model},
                                           {"precision", "f32"},
                                           {"accuracy", j}});
}

// The studied model: MODEL, or the zoo's ResNet-50 written once with a symbolic batch.
std::string study_model(const StudyCmd& c) {
  if (!c.model.empty()) {
    if (!fs::exists(c.model)) fail("model file '{}' does not exist", c.model);
    return c.model;
  }
  const std::string model = (fs::path(c.workdir) / "resnet50_nbatch.onnx").string();
  if (!fs::exists(model)) zoo::write_zoo_model("resnet50", {}, model, /*symbolic_batch=*/true);
  fmt::print("study: no model given, the zoo's ResNet-50 ({})\n", model);
  return model;
}

// Every installed backend swept in f32; its best throughput point is its comparison entry.
SweepSummary sweep_stage(const StudyCmd& c, const std::string& model, const std::string& list) {
  SweepArgs s;
  s.model = model;
  s.backends = list;
  s.batch = "1,2,4";
  const int cores = bench::available_physical_cores();
  s.streams = cores > 1 ? fmt::format("1,{}", cores) : "1";
  s.repetitions = 2;
  s.budget_min = 0.4 * c.budget_min;
  s.dataset = c.dataset;
  s.preset = c.preset;
  s.db = c.db;
  s.scope = host_scope();
  return run_sweep_command(s, (fs::path(c.workdir) / "sweep.json").string());
}

// The native engine in f32, bf16 and i8 at its best f32 configuration.
void precision_stage(const StudyCmd& c, const std::string& model, const SweepSummary& sw) {
  for (const auto& a : sw.answers) {
    if (a.backend != "native" || !a.best_throughput) continue;
    SweepArgs p;
    p.model = model;
    p.backends = "native";
    p.precision = "f32,bf16,i8";
    p.batch = std::to_string(a.best_throughput->point.batch);
    const int st = a.best_throughput->point.streams;
    p.streams = st == bench::kAuto ? "auto" : std::to_string(st);
    p.repetitions = 2;
    p.budget_min = 0.1 * c.budget_min;
    p.dataset = c.dataset;
    p.preset = c.preset;
    p.calibration.dir = c.calibration;
    p.db = c.db;
    p.scope = host_scope();
    run_sweep_command(p, (fs::path(c.workdir) / "precisions.json").string());
  }
}

// Throughput mode on 1..N cores for every installed backend.
void scale_stage(const StudyCmd& c, const std::string& model, const std::string& list,
                 std::size_t backends) {
  ScaleArgs sc;
  sc.model = model;
  sc.backends = list;
  sc.modes = "throughput";
  sc.repetitions = 2;
  // About 5 s to open a backend per point, then 2 repetitions (+10% warm-up) in the budget.
  const double points = static_cast<double>(backends * bench::available_physical_cores());
  sc.duration_s =
      std::clamp((0.15 * c.budget_min * 60 - 5 * points) / (points * 2 * 1.1), 0.3, 5.0);
  sc.dataset = c.dataset;
  sc.preset = c.preset;
  sc.db = c.db;
  run_scale_command(sc);
}

void validate(StudyCmd& c) {
  if (!(c.budget_min > 0)) fail("--budget must be positive minutes (got {})", c.budget_min);
  if (c.dataset.empty() != c.preset.empty())
    fail("--dataset and --preset go together (the preset says how to preprocess the images)");
  if (!c.dataset.empty() && !fs::is_directory(c.dataset))
    fail("--dataset {} is not a folder", c.dataset);
  if (c.nodes < 1) fail("--nodes must be 1 or more (got {})", c.nodes);
  if (!c.slurm.enabled && (c.nodes > 1 || !c.slurm.partition.empty() ||
                           !c.slurm.time_limit.empty() || !c.slurm.job_dir.empty()))
    fail("--nodes, --partition, --time-limit and --job-dir need --slurm");
  c.db = bench::resolve_store_location(c.db);
}

void make_workdir(const StudyCmd& c) {
  std::error_code ec;
  fs::create_directories(c.workdir, ec);
  if (ec) fail("cannot create the study's --workdir {}: {}", c.workdir, ec.message());
}

// `study --slurm`: the unit of a task is the whole study, one per node, so that every node's CPU
// type gets its own sweep, precisions, scaling and roofline (the later stages depend on the
// node's own sweep). Each task works in JOBDIR/node-K; the report comes from the store.
void run_study_on_slurm(StudyCmd& c) {
  validate(c);
  fleet::require_slurm();  // before the zoo model is written or anything is created
  c.slurm.job_dir = job_dir_of(c.slurm);
  c.workdir = c.slurm.job_dir;  // the zoo model, if any, must be where the nodes see it
  make_workdir(c);
  const std::string model = fs::absolute(study_model(c)).string();
  std::vector<fleet::SlurmTask> tasks;
  for (int k = 0; k < c.nodes; ++k) {
    const std::string dir = (fs::path(c.slurm.job_dir) / fmt::format("node-{}", k)).string();
    std::vector<std::string> args{"study",     model, "--budget", fmt::format("{}", c.budget_min),
                                  "--workdir", dir,   "-o",       dir + "/study.html"};
    if (!c.dataset.empty())
      args.insert(args.end(), {"--dataset", fs::absolute(c.dataset).string(), "--preset", c.preset,
                               "--limit", std::to_string(c.limit)});
    tasks.push_back({fmt::format("study {} (workdir node-{})", k, k), std::move(args)});
  }
  fmt::print("study of {} on {} node(s){}: the whole study on each ({:.1f} min budget per node)\n",
             model, c.nodes, c.slurm.partition.empty() ? "" : " of partition " + c.slurm.partition,
             c.budget_min);
  bool complete = true;
  try {
    run_on_slurm(tasks, c.slurm, c.db);
  } catch (const Exit&) {
    complete = false;
  }
  ReportArgs rep;
  rep.db = c.db;
  rep.output = c.output;
  try {
    run_report_command(rep);
  } catch (const Error& e) {
    if (complete) throw;
    fmt::print("no report: {}\n", e.what());
  }
  fmt::print("`inferlab results --db {}` lists the study's rows per CPU model\n",
             bench::redact_url(c.db));
  if (!complete) {
    fmt::print(
        "not every node finished its study: the report shows the results that arrived; submit "
        "again for the missing nodes\n");
    throw Exit{1};
  }
}

void run(StudyCmd& c) {
  if (c.slurm.enabled) return run_study_on_slurm(c);
  const auto t0 = Clock::now();
  validate(c);
  make_workdir(c);
  const std::string model = study_model(c);
  const double B = c.budget_min;
  fmt::print(
      "study of {} within {:.1f} min: sweep {:.1f}, precisions {:.1f}, scaling {:.1f}, "
      "roofline ~0.5{} min\n",
      model, B, 0.4 * B, 0.1 * B, 0.15 * B, c.dataset.empty() ? "" : ", accuracy ~1");
  const auto installed = installed_backends(model);
  if (installed.empty()) fail("no backend can open {} (reasons above)", model);
  std::string list;
  for (const auto& b : installed) list += (list.empty() ? "" : ",") + b;
  fmt::print("installed backends: {}\n", list);
  auto stage = [&](const char* name) {
    fmt::print("\n== {} ({:.1f} min so far)\n", name, minutes_since(t0));
    std::fflush(stdout);
  };
  stage("sweep");
  const SweepSummary sw = sweep_stage(c, model, list);
  stage("precisions");
  precision_stage(c, model, sw);
  stage("scaling");
  scale_stage(c, model, list, installed.size());
  stage("roofline");
  RooflineArgs r;
  r.model = model;
  r.db = c.db;
  r.quick = true;
  r.duration_s = 2;
  run_roofline_command(r);
  if (!c.dataset.empty()) {
    stage("accuracy");
    for (const auto& b : installed) run_accuracy(c, model, b);
  }
  stage("report");
  ReportArgs rep;
  rep.db = c.db;
  rep.output = c.output;
  run_report_command(rep);
  const double took = minutes_since(t0);
  fmt::print("study finished in {:.1f} min (budget {:.1f} min){}\n", took, B,
             took > B ? ": OVER BUDGET" : "");
}

void setup_study(CLI::App& root) {
  auto c = std::make_shared<StudyCmd>();
  auto* cmd = root.add_subcommand(
      "study", "Sweep, precisions, scaling, roofline, accuracy and one HTML report");
  cmd->add_option("model", c->model, "ONNX model file (default: the zoo's ResNet-50)");
  cmd->add_option("--budget", c->budget_min, "minutes for the whole study (default 5)");
  cmd->add_option("--dataset", c->dataset, "image folder: inputs of every run, and accuracy");
  cmd->add_option("--preset", c->preset, "preprocessing preset for --dataset (e.g. imagenet)");
  cmd->add_option("--calibration", c->calibration,
                  "precisions stage: quantize the FP32 model in memory for i8 on images of this "
                  "folder (preprocessed by --preset); without it i8 is refused on an FP32 model");
  cmd->add_option("--limit", c->limit, "accuracy: first N images (default 200)");
  cmd->add_option("--workdir", c->workdir,
                  "folder for the zoo model and JSON files (default study)");
  cmd->add_option("--db", c->db,
                  "results store: a SQLite file or postgresql://... (default $INFERLAB_DB, else "
                  "results.db)");
  cmd->add_option("-o,--output", c->output, "HTML report (default study.html)");
  cmd->add_flag("--slurm", c->slurm.enabled,
                "run the whole study on --nodes nodes as a Slurm job array (docs/fleet.md)");
  cmd->add_option("--nodes", c->nodes, "--slurm: how many nodes run the study (default 1)");
  add_slurm_options(cmd, c->slurm);
  cmd->callback([c] { run(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_study);
}  // namespace inferlab::cli
