#pragma once
// Formatting throw helpers over the public error types (include/inferlab/error.h). fail() without
// a code throws invalid_argument; model readers and the operator registry turn what escapes them
// into invalid_model (frontends/model_file.cpp, ops/registry.cpp).
#include <fmt/format.h>

#include <string>

#include "inferlab/error.h"

namespace inferlab {

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

template <typename... Args>
[[noreturn]] void fail(ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...), code);
}

template <typename... Args>
[[noreturn]] void unsupported(fmt::format_string<Args...> f, Args&&... args) {
  throw Unsupported(fmt::format(f, std::forward<Args>(args)...));
}

// `e` again with `prefix` before its message; an invalid_argument code (fail()'s default)
// becomes `code`, a specific one is kept.
[[noreturn]] void rethrow_as(const Error& e, ErrorCode code, const std::string& prefix = "");

}  // namespace inferlab
