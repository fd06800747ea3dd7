#pragma once
// Formatting throw helpers over the public error types (include/inferlab/error.h).
#include <fmt/format.h>

#include <string>

#include "inferlab/error.h"

namespace inferlab {

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

template <typename... Args>
[[noreturn]] void unsupported(fmt::format_string<Args...> f, Args&&... args) {
  throw Unsupported(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace inferlab
