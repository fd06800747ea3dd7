#pragma once
// Helpers for the zoo tests: zoo graphs built once per test binary, a self-removing temporary
// folder and a runner for the built `inferlab` binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "zoo/zoo.h"

namespace inferlab::zoo::test {

// The default zoo model (batch 1, seed 0) as imported by the ONNX frontend; built once.
inline std::shared_ptr<const Graph> zoo_graph(const std::string& name) {
  static std::map<std::string, std::shared_ptr<const Graph>> cache;
  auto& g = cache[name];
  if (!g) g = import_model(build_model(name, {}));
  return g;
}

class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("inferlab-zoo-test-" + tag + "-" + std::to_string(::getpid()) + "-" +
             std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& file) const { return (path_ / file).string(); }

 private:
  std::filesystem::path path_;
};

struct CliResult {
  int status = -1;  // -1 when the process did not exit normally
  std::string out;  // stdout and stderr together
};

inline std::string cli_path() {
  return std::string(INFERLAB_BINARY_DIR) + "/inferlab";
}

inline CliResult run_cli(const std::string& args) {
  CliResult r;
  FILE* p = ::popen((cli_path() + " " + args + " 2>&1").c_str(), "r");
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

}  // namespace inferlab::zoo::test
