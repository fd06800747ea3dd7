// inferlab.Error: every failure of the library reaches Python as this RuntimeError subclass, with
// the library's message (naming the file, node or field) and a `code` telling the kind of failure,
// so that callers branch on the code rather than on message text.
#include "binding.h"

namespace inferlab::py {
namespace {

// A bad call from Python itself (the binding's own checks): raised as code invalid_argument.
struct InvalidArgument : Error {
  using Error::Error;
};

// The exception type lives as long as the interpreter (a module-level type, never freed).
PyObject* g_error_type = nullptr;

void raise_error(const char* code, const char* message) {
  nb::object type = nb::borrow(g_error_type);
  nb::object exc = type(nb::str(message));
  nb::setattr(exc, "code", nb::str(code));
  PyErr_SetObject(g_error_type, exc.ptr());
}

}  // namespace

void invalid_argument(const std::string& message) {
  throw InvalidArgument(message);
}

void bind_errors(nb::module_& m) {
  g_error_type = PyErr_NewExceptionWithDoc(
      "inferlab.Error",
      "A failure of inferlab: str() is the message naming the file, node or field; `code` the "
      "kind: 'invalid_argument' (a bad call: unknown option or input, wrong dtype or shape), "
      "'unsupported_operation' (an operator or attribute the engine cannot run), 'error' (any "
      "other: invalid model file, failed inference).",
      PyExc_RuntimeError, nullptr);
  m.attr("Error") = nb::handle(g_error_type);
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const InvalidArgument& e) {
      raise_error("invalid_argument", e.what());
    } catch (const Unsupported& e) {
      raise_error("unsupported_operation", e.what());
    } catch (const Error& e) {
      raise_error("error", e.what());
    }
  });
}

}  // namespace inferlab::py
