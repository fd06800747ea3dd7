// `inferlab slurm TASKFILE`: runs a list of inferlab invocations (one per line: the arguments
// after `inferlab`) as one Slurm job array, each task on its own node, and reports every task
// that failed or never ran. Sweeps and studies produce such lists; so can a user by hand.
#include <fmt/format.h>

#include <fstream>

#include "cli_error.h"
#include "command.h"
#include "inferlab/lab/results_store.h"
#include "slurm_cli.h"

namespace inferlab::cli {
namespace {

struct SlurmCmd {
  std::string task_file, db;
  SlurmCli slurm;
};

std::vector<fleet::SlurmTask> read_tasks(const std::string& path) {
  std::ifstream f(path);
  if (!f) fail("cannot read the task file {}", path);
  std::vector<fleet::SlurmTask> tasks;
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    auto args = split_words(line, fmt::format("{} line {}", path, n));
    if (!args.empty() && (args[0] == "inferlab" || args[0].ends_with("/inferlab")))
      args.erase(args.begin());
    for (const auto& a : args)
      if (a == "--db" || a.starts_with("--db="))
        fail(
            "{} line {}: remove --db; every task records into the store given to `inferlab "
            "slurm --db` (or INFERLAB_DB)",
            path, n);
    tasks.push_back({fmt::format("line {}: {}", n, line.substr(first)), std::move(args)});
  }
  if (tasks.empty()) fail("the task file {} lists no invocation", path);
  return tasks;
}

void setup_slurm(CLI::App& root) {
  auto c = std::make_shared<SlurmCmd>();
  auto* cmd = root.add_subcommand(
      "slurm", "Run a list of inferlab invocations (one per line) as a Slurm job array");
  cmd->add_option("tasks", c->task_file,
                  "file: one invocation per line (arguments after "
                  "`inferlab`; # comments)")
      ->required();
  cmd->add_option("--db", c->db,
                  "results store: postgresql://... shared by the tasks, or a SQLite file the "
                  "tasks' own files are merged into (default $INFERLAB_DB, else results.db)");
  add_slurm_options(cmd, c->slurm);
  cmd->callback([c] {
    run_on_slurm(read_tasks(c->task_file), c->slurm, bench::resolve_store_location(c->db));
  });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_slurm);
}  // namespace inferlab::cli
