#pragma once
// One exception type for every user-facing problem (bad model, bad input, bad option).
// The CLI prints what() and exits with status 2. `Unsupported` marks a model or case the engine
// cannot run (unsupported op type or attribute), so that `inferlab check` can skip it.
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

}  // namespace inferlab
