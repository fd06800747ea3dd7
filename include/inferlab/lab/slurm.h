#pragma once
// Runs a list of inferlab invocations on a Slurm cluster as one job array (`sbatch --array`),
// one task per invocation, each on an exclusively allocated node; waits for the array and
// reports every task that failed or never ran, by name. Built on Slurm's own commands
// (sbatch, squeue, scancel), so it works wherever a user can submit jobs.
//
// Results: every task records into $INFERLAB_DB. When the store is a PostgreSQL URL it is
// exported to every task (shared store); otherwise each task writes its own SQLite file in the
// job directory, merged into the store once the array ends (even when some tasks failed).
// Every row carries the fingerprint of the node that measured it.
#include <functional>
#include <string>
#include <vector>

namespace inferlab::fleet {

struct SlurmTask {
  std::string name;               // for reports ("batch=4 streams=2", "point 7")
  std::vector<std::string> args;  // inferlab arguments, without the program
};

struct SlurmOptions {
  std::string inferlab;    // the inferlab executable the nodes run (shared filesystem)
  std::string job_dir;     // shared directory: job script, task list, outputs, statuses
  std::string partition;   // empty: the cluster's default
  std::string time_limit;  // per task, Slurm syntax ("30", "1:00:00"); empty: partition's
  int nodes_per_task = 1;
  bool exclusive = true;
  std::string job_name = "inferlab";
  std::string store;          // postgresql://... shared; anything else: per-task SQLite files
  double wait_timeout_s = 0;  // give up on tasks still pending/running after this (0: never)
  double poll_s = 2;
};

// The job script submitted for `tasks` (also the documented template, docs/fleet.md).
std::string job_script(const SlurmOptions& o, std::size_t task_count);

struct TaskOutcome {
  enum class State { done, failed, missing };
  std::size_t index = 0;
  std::string name;
  State state = State::missing;
  int exit_status = -1;
  std::string detail;  // why it failed or is missing; the output file to read
};

struct ArrayReport {
  std::string job_id;
  std::vector<TaskOutcome> tasks;
  std::size_t count(TaskOutcome::State s) const;
};

// Throws Error naming the missing command when Slurm's client commands are not on PATH.
void require_slurm();

// Throws Error when Slurm's commands are not installed or the submission is refused. Tasks that
// fail or never run do not throw: they are in the report.
ArrayReport run_job_array(const std::vector<SlurmTask>& tasks, const SlurmOptions& o,
                          const std::function<void(const std::string&)>& log);

// Per-task SQLite files of a finished array (those that exist), in task order.
std::vector<std::string> task_result_files(const SlurmOptions& o, std::size_t task_count);

// Shell-quotes one argument (POSIX sh).
std::string shell_quote(const std::string& s);

}  // namespace inferlab::fleet
