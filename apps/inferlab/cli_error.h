#pragma once
// fail(): throws the public Error with a formatted message (exit status 2 in main.cpp). The
// CLI's own copy of src/ir/error.h's helper: the CLI sees include/ only.
#include <fmt/format.h>

#include "inferlab/error.h"

namespace inferlab::cli {

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace inferlab::cli
