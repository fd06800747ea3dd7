#include "inferlab/lab/slurm.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "ir/error.h"

namespace fs = std::filesystem;

namespace inferlab::fleet {
namespace {

struct Captured {
  int status = -1;
  std::string out;
};

// Runs a shell command line (arguments already quoted), stdout and stderr together.
Captured capture(const std::string& cmd) {
  Captured c;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return c;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) c.out.append(buf.data(), n);
  const int st = pclose(p);
  c.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  while (!c.out.empty() && (c.out.back() == '\n' || c.out.back() == ' ')) c.out.pop_back();
  return c;
}

bool on_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  while (std::getline(ss, dir, ':'))
    if (!dir.empty() && access((fs::path(dir) / exe).c_str(), X_OK) == 0) return true;
  return false;
}

std::string last_line(const fs::path& file) {
  std::ifstream f(file);
  std::string line, last;
  while (std::getline(f, line))
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  return last;
}

fs::path task_file(const SlurmOptions& o, std::size_t i, const char* ext) {
  return fs::path(o.job_dir) / fmt::format("task-{}.{}", i, ext);
}

// Polls squeue until no task of the array is left (or the wait times out: the rest is then
// cancelled). Returns each task's last seen "STATE (reason)".
std::map<std::size_t, std::string> wait_for(const std::string& job, const SlurmOptions& o,
                                            bool& timed_out,
                                            const std::function<void(const std::string&)>& log) {
  std::map<std::size_t, std::string> last;
  std::string shown;
  int failures = 0;
  const auto start = std::chrono::steady_clock::now();
  timed_out = false;
  while (true) {
    const auto q = capture("squeue -h -r -j " + job + " -o '%K|%T|%r'");
    if (q.status != 0) {
      if (q.out.find("Invalid job id") != std::string::npos) break;  // already purged: done
      if (++failures >= 5) fail("squeue failed 5 times in a row: {}", q.out);
    } else {
      failures = 0;
      if (q.out.empty()) break;
      std::stringstream ss(q.out);
      std::string line, now;
      std::map<std::string, int> counts;
      while (std::getline(ss, line)) {
        const auto a = line.find('|'), b = line.find('|', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        const std::string state = line.substr(a + 1, b - a - 1), reason = line.substr(b + 1);
        const std::string what = reason == "None" ? state : state + " (" + reason + ")";
        std::size_t id = 0;
        if (std::sscanf(line.c_str(), "%zu", &id) == 1) last[id] = what;
        ++counts[what];
      }
      for (const auto& [what, n] : counts)
        now += fmt::format("{}{} {}", now.empty() ? "" : ", ", n, what);
      if (now != shown) log(fmt::format("job {}: {}", job, now));
      shown = now;
    }
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (o.wait_timeout_s > 0 && waited > o.wait_timeout_s) {
      timed_out = true;
      log(fmt::format("job {}: waited {:.0f} s, cancelling the tasks left", job, waited));
      capture("scancel " + job);
      break;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.poll_s));
  }
  return last;
}

}  // namespace

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-./=:,+@%") == std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string job_script(const SlurmOptions& o, std::size_t task_count) {
  std::string s = "#!/bin/bash\n";
  s += fmt::format("#SBATCH --job-name={}\n", o.job_name);
  s += fmt::format("#SBATCH --array=0-{}\n", task_count - 1);
  s += fmt::format("#SBATCH --nodes={}\n", o.nodes_per_task);
  if (o.exclusive) s += "#SBATCH --exclusive\n";
  if (!o.partition.empty()) s += fmt::format("#SBATCH --partition={}\n", o.partition);
  if (!o.time_limit.empty()) s += fmt::format("#SBATCH --time={}\n", o.time_limit);
  s += fmt::format("#SBATCH --output={}/task-%a.out\n", o.job_dir);
  s += fmt::format(
      "# Array task K runs line K+1 of tasks.txt (one inferlab invocation) and records its exit\n"
      "# status in task-K.status. Results go to $INFERLAB_DB when the submitter exported one (a\n"
      "# shared PostgreSQL store), else to this task's own SQLite file, merged afterwards with\n"
      "# `inferlab results --db STORE --merge {0}/task-*.db`.\n"
      "dir={0}\n"
      "id=$SLURM_ARRAY_TASK_ID\n"
      "cmd=$(sed -n \"$((id + 1))p\" \"$dir/tasks.txt\")\n"
      "export INFERLAB_DB=${{INFERLAB_DB:-$dir/task-$id.db}}\n"
      "echo \"task $id on $(hostname): $cmd\"\n"
      "bash -c \"$cmd\"\n"
      "status=$?\n"
      "echo \"$status\" >\"$dir/task-$id.status.tmp\" && mv \"$dir/task-$id.status.tmp\" "
      "\"$dir/task-$id.status\"\n"
      "exit $status\n",
      shell_quote(o.job_dir));
  return s;
}

std::size_t ArrayReport::count(TaskOutcome::State s) const {
  std::size_t n = 0;
  for (const auto& t : tasks) n += t.state == s ? 1 : 0;
  return n;
}

std::vector<std::string> task_result_files(const SlurmOptions& o, std::size_t task_count) {
  std::vector<std::string> files;
  for (std::size_t i = 0; i < task_count; ++i)
    if (fs::exists(task_file(o, i, "db"))) files.push_back(task_file(o, i, "db").string());
  return files;
}

void require_slurm() {
  for (const char* exe : {"sbatch", "squeue", "scancel"})
    if (!on_path(exe))
      fail(
          "Slurm is not installed here: '{}' is not on PATH (install Slurm's client commands, "
          "e.g. Debian's slurm-client, on the submitting machine)",
          exe);
}

ArrayReport run_job_array(const std::vector<SlurmTask>& tasks, const SlurmOptions& o,
                          const std::function<void(const std::string&)>& log) {
  if (tasks.empty()) fail("no tasks to submit to Slurm");
  require_slurm();
  std::error_code ec;
  fs::create_directories(o.job_dir, ec);
  if (ec) fail("cannot create the job directory {}: {}", o.job_dir, ec.message());
  {
    std::ofstream list(fs::path(o.job_dir) / "tasks.txt");
    for (const auto& t : tasks) {
      std::string line = shell_quote(o.inferlab);
      for (const auto& a : t.args) {
        line += ' ';
        line += shell_quote(a);
      }
      list << line << "\n";
    }
    std::ofstream names(fs::path(o.job_dir) / "names.txt");
    for (const auto& t : tasks) names << t.name << "\n";
    std::ofstream script(fs::path(o.job_dir) / "job.sh");
    script << job_script(o, tasks.size());
    if (!list || !names || !script) fail("cannot write the job files in {}", o.job_dir);
  }
  // A shared store reaches the tasks through the environment (sbatch exports it), never
  // through a file on the shared filesystem, so its password stays out of the job directory.
  const bool shared = o.store.rfind("postgres", 0) == 0;
  if (shared)
    setenv("INFERLAB_DB", o.store.c_str(), 1);
  else
    unsetenv("INFERLAB_DB");
  const auto sub = capture("sbatch --parsable " + shell_quote(o.job_dir + "/job.sh"));
  if (sub.status != 0 || sub.out.empty()) fail("sbatch refused the job array: {}", sub.out);
  ArrayReport report;
  report.job_id = sub.out.substr(0, sub.out.find(';'));  // "ID" or "ID;cluster"
  log(fmt::format("submitted job array {} ({} task(s)); job files in {}", report.job_id,
                  tasks.size(), o.job_dir));
  bool timed_out = false;
  const auto last = wait_for(report.job_id, o, timed_out, log);

  // Status files may reach a shared filesystem a moment after the job ends.
  for (int tries = 0; tries < 10; ++tries) {
    bool all = true;
    for (std::size_t i = 0; i < tasks.size(); ++i)
      all = all && fs::exists(task_file(o, i, "status"));
    if (all || timed_out) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    TaskOutcome t;
    t.index = i;
    t.name = tasks[i].name;
    const fs::path out = task_file(o, i, "out");
    if (std::ifstream st(task_file(o, i, "status")); st >> t.exit_status) {
      t.state = t.exit_status == 0 ? TaskOutcome::State::done : TaskOutcome::State::failed;
      if (t.exit_status != 0)
        t.detail = fmt::format("exit status {}: {} (output: {})", t.exit_status, last_line(out),
                               out.string());
    } else {
      const auto seen = last.find(i);
      const std::string state = seen == last.end() ? "" : seen->second;
      if (timed_out && !state.empty())
        t.detail = fmt::format("still {} after {:.0f} s: cancelled", state, o.wait_timeout_s);
      else if (!fs::exists(out))
        t.detail = "never started" + (state.empty() ? "" : " (last seen " + state + ")");
      else
        t.detail = fmt::format(
            "no exit status recorded: killed, out of time, or its node failed (last output: {}; "
            "{})",
            last_line(out), out.string());
    }
    report.tasks.push_back(std::move(t));
  }
  return report;
}

}  // namespace inferlab::fleet
