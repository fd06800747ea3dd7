#pragma once
// Helpers for the zoo tests: zoo graphs built once per test binary, a self-removing temporary
// folder and the path of the built `inferlab` binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "../cli/cli_util.h"
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

inline std::string cli_path() {
  return std::string(INFERLAB_BINARY_DIR) + "/inferlab";
}

// The CLI runner is the one the CLI tests use.
using inferlab::test::CliResult;
using inferlab::test::contains;
using inferlab::test::run_cli;

}  // namespace inferlab::zoo::test
