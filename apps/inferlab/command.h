#pragma once
// Each subcommand lives in its own cmd_*.cpp and registers itself here (a setup_NAME function:
// the CLI is a unity build, so names must not clash between files). A command's callback
// throws inferlab::Error for user errors (printed as one line, exit status 2) or Exit to end
// with a specific status (e.g. 1 when `check` finds failures).
#include <CLI/CLI.hpp>

#include <functional>

#include "cli_error.h"

namespace inferlab::cli {

struct Exit {
  int code;
};

using CommandSetup = std::function<void(CLI::App& root)>;
bool register_command(CommandSetup setup);

}  // namespace inferlab::cli

#define INFERLAB_CLI_CONCAT2(a, b) a##b
#define INFERLAB_CLI_CONCAT(a, b) INFERLAB_CLI_CONCAT2(a, b)
#define INFERLAB_REGISTER_COMMAND(fn)                                                        \
  [[maybe_unused]] static const bool INFERLAB_CLI_CONCAT(command_registered_, __COUNTER__) = \
      ::inferlab::cli::register_command(fn)
