#pragma once
// Throwaway daemons for the fleet tests (PostgreSQL, Slurm), started by the scripts next to this
// file on loopback under a temp dir, and stopped whatever happens: by the destructor, or, if the
// test process dies first, by the watchdog each script leaves behind.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace inferlab::test {

inline std::filesystem::path fleet_temp_dir(const std::string& tag) {
  auto d = std::filesystem::temp_directory_path() /
           ("inferlab-fleet-" + tag + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(d);
  return d;
}

// Runs a shell command; returns its exit status and stdout (stderr appended with 2>&1 by callers).
inline std::pair<int, std::string> shell(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {-1, out};
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

// `tests/fleet/<script> start DIR PID` ... `stop DIR`. Status 3 from start means "not available
// here" (not installed, not root): the test is skipped with the script's message.
class LocalDaemon {
 public:
  explicit LocalDaemon(const std::string& script, const std::string& tag)
      : script_(std::string(INFERLAB_SOURCE_DIR) + "/tests/fleet/" + script),
        dir_(fleet_temp_dir(tag)) {
    const auto [st, out] =
        shell(script_ + " start " + dir_.string() + " " + std::to_string(getpid()) + " 2>&1");
    status_ = st;
    output_ = out;
    while (!output_.empty() && output_.back() == '\n') output_.pop_back();
  }
  ~LocalDaemon() { shell(script_ + " stop " + dir_.string() + " 2>&1"); }
  LocalDaemon(const LocalDaemon&) = delete;
  LocalDaemon& operator=(const LocalDaemon&) = delete;

  bool unavailable() const { return status_ == 3; }
  bool ok() const { return status_ == 0; }
  // The last line the start script printed (the URL, or SLURM_CONF=...), or its error output.
  std::string value() const {
    const auto nl = output_.rfind('\n');
    return nl == std::string::npos ? output_ : output_.substr(nl + 1);
  }
  const std::string& output() const { return output_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string script_;
  std::filesystem::path dir_;
  int status_ = -1;
  std::string output_;
};

}  // namespace inferlab::test
