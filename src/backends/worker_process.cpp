#include "backends/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "ir/error.h"

extern char** environ;

namespace inferlab::backends {

WorkerProcess::WorkerProcess(const std::vector<std::string>& argv,
                             const std::vector<std::string>& env, std::string what)
    : what_(std::move(what)) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
    fail(ErrorCode::io, "{}: cannot create pipes: {}", what_, std::strerror(errno));
  char tmpl[] = "/tmp/inferlab-worker-XXXXXX.log";
  const int errfd = mkstemps(tmpl, 4);
  if (errfd < 0)
    fail(ErrorCode::io, "{}: cannot create a log file: {}", what_, std::strerror(errno));
  stderr_path_ = tmpl;

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, errfd, 2);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (const auto& e : env) envs.push_back(e);
  std::vector<char*> av, ev;
  for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
  av.push_back(nullptr);
  for (const auto& e : envs) ev.push_back(const_cast<char*>(e.c_str()));
  ev.push_back(nullptr);
  const int rc = posix_spawn(&pid_, av[0], &fa, nullptr, av.data(), ev.data());
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  close(errfd);
  to_child_ = in[1];
  from_child_ = out[0];
  if (rc != 0) {
    pid_ = -1;
    close(to_child_);
    close(from_child_);
    unlink(stderr_path_.c_str());  // the destructor does not run for a failed constructor
    fail(ErrorCode::backend_unavailable, "{}: cannot start {}: {}", what_, argv[0],
         std::strerror(rc));
  }
  signal(SIGPIPE, SIG_IGN);  // a dead worker must give an error, not kill us
}

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0) {
    close(to_child_);  // EOF asks the worker to exit
    to_child_ = -1;
    for (int i = 0; i < 50; ++i) {  // up to 0.5 s, then kill
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      usleep(10000);
    }
    if (pid_ > 0) kill_now();
  }
  if (to_child_ >= 0) close(to_child_);
  if (from_child_ >= 0) close(from_child_);
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
}

void WorkerProcess::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string WorkerProcess::stderr_tail() const {
  std::ifstream f(stderr_path_);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  if (s.size() > 600) s = "..." + s.substr(s.size() - 600);
  return s.empty() ? "(no output on stderr)" : s;
}

void WorkerProcess::fail_dead() {
  // Its pipe is closed; give it a second to exit on its own, then kill it, so a worker that
  // closed its stdin but lives on cannot hang us.
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 100 && done == 0; ++i) {
    done = waitpid(pid_, &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  const std::string how = WIFSIGNALED(status)
                              ? "killed by signal " + std::to_string(WTERMSIG(status))
                              : "exited with status " + std::to_string(WEXITSTATUS(status));
  fail(ErrorCode::worker_crashed, "{}: the worker {}: {}", what_, how, stderr_tail());
}

nlohmann::json WorkerProcess::call(const nlohmann::json& request, double timeout_s) {
  if (pid_ <= 0) fail(ErrorCode::worker_crashed, "{}: the worker is not running", what_);
  const std::string line = request.dump() + "\n";
  for (std::size_t off = 0; off < line.size();) {
    const ssize_t n = write(to_child_, line.data() + off, line.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_dead();  // it exited before reading the request
    off += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      const std::string reply = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(reply);
      } catch (const std::exception&) {
        fail("{}: malformed reply from the worker: {}", what_, reply.substr(0, 200));
      }
      if (!j.value("ok", false)) fail("{}: {}", what_, j.value("error", std::string("failed")));
      return j;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill_now();
      fail(ErrorCode::worker_timeout, "{}: timed out after {:.0f} s (worker killed)", what_,
           timeout_s);
    }
    pollfd p{from_child_, POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[65536];
    const ssize_t n = read(from_child_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_dead();
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace inferlab::backends
