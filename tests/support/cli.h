#pragma once
// Runs the built `inferlab` binary and captures its exit status and combined output.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace inferlab::test {

struct CliResult {
  int status = -1;  // exit status; -1 when the process did not exit normally (e.g. a crash)
  std::string out;  // stdout and stderr together
};

// `args` is appended to the binary's path as is (quote paths with spaces yourself).
inline CliResult run_cli(const std::string& args) {
  const std::string cmd = std::string(INFERLAB_BINARY_DIR) + "/inferlab " + args + " 2>&1";
  CliResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline bool contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

}  // namespace inferlab::test
