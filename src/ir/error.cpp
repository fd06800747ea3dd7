#include "ir/error.h"

namespace inferlab {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::invalid_model:
      return "invalid_model";
    case ErrorCode::unsupported_operation:
      return "unsupported_operation";
    case ErrorCode::out_of_memory:
      return "out_of_memory";
    case ErrorCode::io:
      return "io";
    case ErrorCode::backend_unavailable:
      return "backend_unavailable";
    case ErrorCode::worker_timeout:
      return "worker_timeout";
    case ErrorCode::worker_crashed:
      return "worker_crashed";
    case ErrorCode::cancelled:
      return "cancelled";
    case ErrorCode::internal:
      return "internal";
  }
  return "unknown";
}

void rethrow_as(const Error& e, ErrorCode code, const std::string& prefix) {
  // Unsupported stays its own type: `inferlab check` and tests catch it alone.
  if (dynamic_cast<const Unsupported*>(&e)) throw Unsupported(prefix + e.what());
  throw Error(prefix + e.what(), e.code() == ErrorCode::invalid_argument ? code : e.code());
}

}  // namespace inferlab
