#pragma once
// Hardware/software fingerprint attached to every result: CPU model and ISA flags, topology
// (hwloc), caches, memory, frequency, OS, compiler and library versions, the exact command.
#include <nlohmann/json.hpp>
#include <string>

namespace inferlab::bench {

nlohmann::json collect_fingerprint(const std::string& command_line);

// The process's command line as one shell-quoted string (from /proc/self/cmdline).
std::string current_command_line();

}  // namespace inferlab::bench
