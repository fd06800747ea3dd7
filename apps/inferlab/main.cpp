#include <fmt/format.h>

#include <cstdio>
#include <system_error>
#include <vector>

#include "cli_error.h"
#include "command.h"
#include "inferlab/lab/output_file.h"

namespace inferlab::cli {

static std::vector<CommandSetup>& commands() {
  static std::vector<CommandSetup> c;
  return c;
}

bool register_command(CommandSetup setup) {
  commands().push_back(std::move(setup));
  return true;
}

}  // namespace inferlab::cli

int main(int argc, char** argv) {
  CLI::App app{"inferlab: CNN inference engine and performance lab for CPUs"};
  app.require_subcommand(1);
  for (auto& setup : inferlab::cli::commands()) setup(app);
  try {
    app.parse(argc, argv);
    inferlab::flush_stdout_checked();  // a table or JSON cut short on stdout is an error
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const inferlab::cli::Exit& e) {
    try {
      inferlab::flush_stdout_checked();
    } catch (const inferlab::Error& w) {
      fmt::print(stderr, "inferlab: error: {}\n", w.what());
      return 2;
    }
    return e.code;
  } catch (const inferlab::Error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "inferlab: error: {}\n", e.what());
    return 2;
  } catch (const std::system_error& e) {
    // fmt::print throws this when stdout's buffer cannot be written (e.g. a full disk).
    if (std::ferror(stdout)) {
      fmt::print(stderr, "inferlab: error: cannot write to standard output: {}\n",
                 e.code().message());
      return 2;
    }
    fmt::print(stderr, "inferlab: internal error: {}\n", e.what());
    return 3;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "inferlab: error: out of memory\n");
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "inferlab: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}
