#pragma once
// Helpers for the zoo tests: zoo graphs built once per test binary and the path of the built
// `inferlab` binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "support/cli.h"
#include "support/temp_dir.h"
#include "zoo/zoo.h"

namespace inferlab::zoo::test {

// The default zoo model (batch 1, seed 0) as imported by the ONNX frontend; built once.
inline std::shared_ptr<const Graph> zoo_graph(const std::string& name) {
  static std::map<std::string, std::shared_ptr<const Graph>> cache;
  auto& g = cache[name];
  if (!g) g = import_model(build_model(name, {}));
  return g;
}

using inferlab::test::TempDir;

inline std::string cli_path() {
  return std::string(INFERLAB_BINARY_DIR) + "/inferlab";
}

// The CLI runner is the one the CLI tests use.
using inferlab::test::CliResult;
using inferlab::test::contains;
using inferlab::test::run_cli;

}  // namespace inferlab::zoo::test
