#pragma once
// The Slurm options shared by the commands that can run their measurements as a job array
// (`inferlab slurm TASKFILE`, `inferlab bench ... --slurm`), and the common submit-wait-report
// step (include/inferlab/lab/slurm.h does the work).
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "inferlab/lab/slurm.h"

namespace inferlab::cli {

struct SlurmCli {
  bool enabled = false;  // --slurm (bench); always on for `inferlab slurm`
  std::string partition, time_limit, job_dir, job_name = "inferlab";
  double wait_timeout_s = 0, poll_s = 2;
  bool shared_node = false;  // --no-exclusive
};

void add_slurm_options(CLI::App* cmd, SlurmCli& s);
// Options (taking a value) stripped from a task's arguments: the Slurm ones, and --db (the
// store reaches every task through INFERLAB_DB).
const std::vector<std::string>& slurm_option_names();
// Shell-like words of `text` (quotes honoured, no expansion); throws Error naming `what`.
std::vector<std::string> split_words(const std::string& text, const std::string& what);

// This process's arguments (after the program), without the options in `drop` (with their
// values, in either "--opt value" or "--opt=value" form).
std::vector<std::string> own_arguments(const std::vector<std::string>& drop_flags,
                                       const std::vector<std::string>& drop_options);

// The job directory, absolute: --job-dir, else ./inferlab-slurm-TIME-PID.
std::string job_dir_of(const SlurmCli& s);

// Submits `tasks`, waits, merges per-task SQLite files into `store` (when it is not a shared
// PostgreSQL store), prints each failed or missing task by name. Throws Exit{1} when any task
// failed or is missing (the results of the others are kept).
void run_on_slurm(const std::vector<fleet::SlurmTask>& tasks, const SlurmCli& s,
                  const std::string& store);

}  // namespace inferlab::cli
