#pragma once
// One exception type for every user-facing problem (bad model, bad input, bad option).
// The CLI prints what() and exits with status 2. `Unsupported` marks a model or case the engine
// cannot run (unsupported op type or attribute), so that `inferlab check` can skip it.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace inferlab {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Unsupported : public Error {
 public:
  using Error::Error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

template <typename... Args>
[[noreturn]] void unsupported(fmt::format_string<Args...> f, Args&&... args) {
  throw Unsupported(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace inferlab
