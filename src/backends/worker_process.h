#pragma once
// A peer worker in its own process, speaking line-delimited JSON over its stdin/stdout: one
// request line, one reply line {"ok": true, ...} or {"ok": false, "error": "..."}. A reply that
// does not come within the timeout kills the worker; a worker that dies is reported with the
// tail of its stderr. The protocol is described in docs/bench.md.
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace inferlab::backends {

class WorkerProcess {
 public:
  // Starts argv[0] (a path) with `argv`; `env` entries ("K=V") are added to the environment.
  WorkerProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                std::string what);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Sends `request` and waits up to `timeout_s` for the reply; throws Error on timeout (the
  // worker is killed), on a dead worker, on malformed replies and on {"ok": false}.
  nlohmann::json call(const nlohmann::json& request, double timeout_s);
  bool alive() const { return pid_ > 0; }

 private:
  std::string stderr_tail() const;
  void kill_now();
  // Reaps the exited worker and throws Error with its exit status and the tail of its stderr.
  [[noreturn]] void fail_dead();

  std::string what_;
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  std::string stderr_path_;
  std::string buffer_;
};

}  // namespace inferlab::backends
