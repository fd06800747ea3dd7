#pragma once
// One exception type for every user-facing problem, with a code saying what kind of problem it
// is (like dnnl::error::status or OrtErrorCode), so that callers branch on the code rather than
// on message text. The message names the file, node or field. The CLI prints what() and exits
// with status 2.
#include <stdexcept>
#include <string>

namespace inferlab {

enum class ErrorCode {
  invalid_argument,       // a bad option, input tensor, shape or name given by the caller
  invalid_model,          // a malformed model file or graph (bad node, attribute, shape)
  unsupported_operation,  // a well-formed model the engine cannot run (op type, attribute, dtype)
  out_of_memory,          // an allocation failed
  io,                     // a file could not be opened, read or written
  backend_unavailable,    // a peer backend is not installed or cannot start
  worker_timeout,         // a peer backend's worker did not answer in time (it was killed)
  worker_crashed,         // a peer backend's worker died
  cancelled,              // a queued inference was cancelled before it ran
  internal,               // a broken invariant inside inferlab (a bug)
};
// "invalid_argument", "worker_timeout", ...
const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what, ErrorCode code = ErrorCode::invalid_argument)
      : std::runtime_error(what), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

// An Error with code unsupported_operation, as its own type so that `inferlab check` and tests
// can catch it alone.
class Unsupported : public Error {
 public:
  explicit Unsupported(const std::string& what) : Error(what, ErrorCode::unsupported_operation) {}
};

}  // namespace inferlab
