// inferlab.Error: every failure of the library reaches Python as this RuntimeError subclass, with
// the library's message (naming the file, node or field) and its ErrorCode's name as `code`, so
// that callers branch on the code rather than on message text.
#include "binding.h"

namespace inferlab::py {
namespace {

// The exception type lives as long as the interpreter (a module-level type, never freed).
PyObject* g_error_type = nullptr;

nb::object make_error(const char* code, const char* message) {
  nb::object exc = nb::borrow(g_error_type)(nb::str(message));
  nb::setattr(exc, "code", nb::str(code));
  return exc;
}

}  // namespace

void invalid_argument(const std::string& message) {
  throw Error(message, ErrorCode::invalid_argument);
}

nb::object error_object(const std::exception_ptr& error) {
  if (!error) return nb::none();
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return make_error(error_code_name(e.code()), e.what());
  } catch (const std::exception& e) {  // not the library's own: a bug, reported as such
    return make_error(error_code_name(ErrorCode::internal), e.what());
  }
}

void bind_errors(nb::module_& m) {
  g_error_type = PyErr_NewExceptionWithDoc(
      "inferlab.Error",
      "A failure of inferlab: str() is the message naming the file, node or field; `code` the "
      "kind, the name of the library's ErrorCode: invalid_argument, invalid_model, "
      "unsupported_operation, out_of_memory, io, backend_unavailable, worker_timeout, "
      "worker_crashed, cancelled, internal.",
      PyExc_RuntimeError, nullptr);
  m.attr("Error") = nb::handle(g_error_type);
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      nb::object exc = make_error(error_code_name(e.code()), e.what());
      PyErr_SetObject(g_error_type, exc.ptr());
    }
  });
}

}  // namespace inferlab::py
