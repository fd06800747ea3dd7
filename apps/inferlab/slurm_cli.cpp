#include "slurm_cli.h"

#include <fmt/format.h>
#include <unistd.h>
#include <wordexp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "cli_error.h"
#include "command.h"
#include "inferlab/lab/report.h"
#include "inferlab/lab/results_db.h"
#include "inferlab/lab/results_store.h"

namespace fs = std::filesystem;

namespace inferlab::cli {

void add_slurm_options(CLI::App* cmd, SlurmCli& s) {
  cmd->add_option("--partition", s.partition, "Slurm partition (default: the cluster's)");
  cmd->add_option("--time-limit", s.time_limit, "Slurm time limit per task (e.g. 30, 1:00:00)");
  cmd->add_option("--job-dir", s.job_dir,
                  "shared directory for the job script, task list, outputs and per-task "
                  "results (default ./inferlab-slurm-TIME)");
  cmd->add_option("--job-name", s.job_name, "Slurm job name (default inferlab)");
  cmd->add_option("--wait-timeout", s.wait_timeout_s,
                  "seconds to wait for the array; tasks left then are cancelled and reported "
                  "(default: no limit)");
  cmd->add_option("--poll", s.poll_s, "seconds between squeue polls (default 2)");
  cmd->add_flag("--no-exclusive", s.shared_node, "share nodes (default: --exclusive)");
}

const std::vector<std::string>& slurm_option_names() {
  static const std::vector<std::string> n{
      "--partition",    "--time-limit", "--job-dir",      "--job-name",
      "--wait-timeout", "--poll",       "--slurm-config", "--db"};
  return n;
}

std::vector<std::string> own_arguments(const std::vector<std::string>& drop_flags,
                                       const std::vector<std::string>& drop_options) {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> all;
  std::string arg;
  while (std::getline(f, arg, '\0')) all.push_back(arg);
  std::vector<std::string> out;
  auto in = [](const std::vector<std::string>& v, const std::string& a) {
    return std::find(v.begin(), v.end(), a) != v.end();
  };
  for (std::size_t i = 1; i < all.size(); ++i) {
    const std::string& a = all[i];
    const std::string name = a.substr(0, a.find('='));
    if (in(drop_flags, a)) continue;
    if (in(drop_options, name)) {
      if (name == a) ++i;  // "--opt value": skip the value too
      continue;
    }
    out.push_back(a);
  }
  return out;
}

std::vector<std::string> split_words(const std::string& text, const std::string& what) {
  wordexp_t w;
  const int rc = wordexp(text.c_str(), &w, WRDE_NOCMD | WRDE_UNDEF);
  if (rc != 0) {
    if (rc == WRDE_NOSPACE) wordfree(&w);
    fail(
        "{}: cannot split '{}' into arguments (unbalanced quotes, or $(...), `...`, or an unset "
        "variable)",
        what, text);
  }
  std::vector<std::string> out(w.we_wordv, w.we_wordv + w.we_wordc);
  wordfree(&w);
  return out;
}

namespace {

std::string self_exe() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) fail("cannot find the inferlab executable (/proc/self/exe): {}", ec.message());
  return p.string();
}

void validate(const SlurmCli& s) {
  if (s.wait_timeout_s < 0) fail("--wait-timeout must be >= 0 (got {})", s.wait_timeout_s);
  if (!(s.poll_s > 0)) fail("--poll must be a positive number of seconds (got {})", s.poll_s);
}

}  // namespace

std::string job_dir_of(const SlurmCli& s) {
  return fs::absolute(s.job_dir.empty()
                          ? fmt::format("inferlab-slurm-{}-{}", bench::iso_time_now(), getpid())
                          : s.job_dir)
      .string();
}

void run_on_slurm(const std::vector<fleet::SlurmTask>& tasks, const SlurmCli& s,
                  const std::string& store) {
  validate(s);
  fleet::SlurmOptions o;
  o.inferlab = self_exe();
  o.job_dir = job_dir_of(s);
  o.partition = s.partition;
  o.time_limit = s.time_limit;
  o.exclusive = !s.shared_node;
  o.job_name = s.job_name;
  o.store = store;
  o.wait_timeout_s = s.wait_timeout_s;
  o.poll_s = s.poll_s;
  const bool shared = bench::is_postgres_url(store);
  std::unique_ptr<bench::ResultsStore> db = bench::open_results_store(store);  // fail early
  const auto report = fleet::run_job_array(tasks, o, [](const std::string& m) {
    fmt::print("{}\n", m);
    std::fflush(stdout);
  });
  if (!shared) {
    for (const auto& f : fleet::task_result_files(o, tasks.size())) {
      auto rows = bench::ResultsDb(f).query({});
      for (auto& r : rows) r.erase("id");
      db->import_rows(rows);
    }
  }
  const auto done = report.count(fleet::TaskOutcome::State::done);
  fmt::print("job {}: {} of {} task(s) done, {} failed, {} missing; results in {}\n", report.job_id,
             done, tasks.size(), report.count(fleet::TaskOutcome::State::failed),
             report.count(fleet::TaskOutcome::State::missing), db->location());
  for (const auto& t : report.tasks)
    if (t.state != fleet::TaskOutcome::State::done)
      fmt::print("  {} task {} '{}': {}\n",
                 t.state == fleet::TaskOutcome::State::failed ? "FAILED " : "MISSING", t.index,
                 t.name, t.detail);
  if (done != tasks.size()) throw Exit{1};
}

}  // namespace inferlab::cli
