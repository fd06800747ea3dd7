#pragma once
// Pieces of the inferlab Python module (nanobind), one concern per file. Only the public API
// (include/inferlab) is used: the module is a client of the library like the CLI.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <exception>
#include <map>
#include <string>

#include "inferlab/inferlab.h"

namespace inferlab::py {

namespace nb = nanobind;

// Drops a handle whose destruction may join stream threads (the last owner of a compiled model)
// without holding the GIL: a stream thread may be waiting for it to run a Python callback.
template <typename T>
void drop_without_gil(T& handle) {
  if (PyGILState_Check()) {
    nb::gil_scoped_release nogil;
    handle = T();
  } else {
    handle = T();
  }
}

// errors.cpp: inferlab.Error (a RuntimeError with a `code`) and the translation of C++ errors.
void bind_errors(nb::module_& m);
// Raises inferlab.Error with code invalid_argument (a bad call from Python, e.g. a wrong dtype).
[[noreturn]] void invalid_argument(const std::string& message);
// The inferlab.Error (or None) a completion callback receives for an inference's error.
nb::object error_object(const std::exception_ptr& error);

// arrays.cpp: NumPy arrays <-> Tensor.
// A Tensor over the array's memory when it is C-contiguous with the port's dtype (no copy), else
// a contiguous copy of a non-contiguous array; `keep` receives the object whose memory the Tensor
// uses, to hold for as long as the Tensor is in use. A dtype other than `expected` raises.
Tensor tensor_from_array(nb::handle array, DType expected, const std::string& what,
                         nb::object& keep);
// A Tensor holding a copy of the array, of the element type of the array's dtype.
Tensor tensor_copy_from_array(nb::handle array, const std::string& what);
// A NumPy array of the tensor: a copy, or (share) a view that keeps the tensor's storage alive.
nb::object array_from_tensor(const Tensor& t, bool share);
nb::object numpy_dtype(DType t);  // numpy.dtype of an element type; raises for bf16

// options.cpp: CompileOptions from an OpenVINO-style config dict and/or keyword arguments.
void bind_options(nb::module_& m);
CompileOptions compile_options_from(nb::handle config, const nb::kwargs& kwargs);
// Strict conversions of option values: a value of another type raises inferlab.Error
// (invalid_argument) naming `key`; enums also accept their names as strings.
bool to_bool(nb::handle v, const std::string& key);
int to_int(nb::handle v, const std::string& key);
double to_double(nb::handle v, const std::string& key);
std::string to_str(nb::handle v, const std::string& key);
PerformanceHint to_hint(nb::handle v, const std::string& key);
Precision to_precision(nb::handle v, const std::string& key);
Engine to_engine(nb::handle v, const std::string& key);
ConvAlgo to_conv_algo(nb::handle v, const std::string& key);
Shape to_shape(nb::handle v, const std::string& key);

// request.cpp: InferRequest with NumPy in and out, async with callbacks, GIL released.
void bind_request(nb::module_& m);

// model.cpp: Core, Model, CompiledModel, PortInfo.
void bind_model(nb::module_& m);

// lab_*.cpp: the lab's runs (bench, compare, accuracy, sweep) and their results (lab.h).
void bind_lab(nb::module_& m);

}  // namespace inferlab::py
