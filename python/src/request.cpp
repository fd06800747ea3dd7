#include "request.h"

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <chrono>

namespace inferlab::py {

// A Python callable run on a stream thread when an inference completes. Every touch of the
// Python objects, the final release included, holds the GIL: the last copy of the callback may
// be dropped on a stream thread.
struct PyCallback {
  PyObject* fn;
  PyObject* userdata;
  PyCallback(nb::object f, nb::object u) : fn(f.release().ptr()), userdata(u.release().ptr()) {}
  PyCallback(const PyCallback&) = delete;
  PyCallback& operator=(const PyCallback&) = delete;
  ~PyCallback() {
    nb::gil_scoped_acquire gil;
    Py_XDECREF(fn);
    Py_XDECREF(userdata);
  }
  void operator()(const std::exception_ptr& error) const {
    nb::gil_scoped_acquire gil;
    try {
      nb::handle callable(fn);
      callable(nb::handle(userdata), error_object(error));
    } catch (nb::python_error& e) {
      // Nobody to raise to on a stream thread: reported like an exception in a __del__.
      e.discard_as_unraisable("inferlab InferRequest callback");
    }
  }
};

Request::Request(InferRequest request, std::vector<PortInfo> inputs, std::vector<PortInfo> outputs)
    : inputs_(std::move(inputs)),
      outputs_(std::move(outputs)),
      held_(inputs_.size()),
      request_(std::move(request)) {}

void Request::set_input(std::size_t index, nb::handle array) {
  const PortInfo& port = inputs_[index];
  const std::string what = "input '" + port.name + "'";
  if (request_.busy())  // the running inference reads the current inputs
    invalid_argument(what + ": the request is busy with an inference; wait() first");
  nb::object keep;
  Tensor t = tensor_from_array(array, port.dtype, what, keep);
  if (t.shape() != port.shape) {
    invalid_argument(what + ": got an array of shape " + shape_str(t.shape()) +
                     ", the compiled model expects " + shape_str(port.shape));
  }
  request_.set_tensor(port.name, t);
  held_[index] = std::move(keep);
}

void Request::set_tensor(const std::string& name, nb::handle array) {
  for (std::size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i].name == name) return set_input(i, array);
  std::string names;
  for (const auto& p : inputs_) names += (names.empty() ? "" : ", ") + p.name;
  invalid_argument("no input named '" + name + "' (inputs: " + names + ")");
}

void Request::set_inputs(nb::handle inputs) {
  if (inputs.is_none()) return;
  if (nb::isinstance<nb::dict>(inputs)) {
    for (auto [key, array] : nb::cast<nb::dict>(inputs)) {
      if (nb::isinstance<nb::str>(key)) {
        set_tensor(nb::cast<std::string>(key), array);
      } else if (nb::isinstance<nb::int_>(key) && !nb::isinstance<nb::bool_>(key)) {
        const long long i = nb::cast<long long>(key);
        if (i < 0 || i >= static_cast<long long>(inputs_.size()))
          invalid_argument("input index " + std::to_string(i) + " out of range (the model has " +
                           std::to_string(inputs_.size()) + " inputs)");
        set_input(static_cast<std::size_t>(i), array);
      } else {
        invalid_argument("input keys are names or indices, got " +
                         nb::cast<std::string>(nb::repr(key)));
      }
    }
  } else if (nb::isinstance<nb::list>(inputs) || nb::isinstance<nb::tuple>(inputs)) {
    if (nb::len(inputs) != inputs_.size())
      invalid_argument("got " + std::to_string(nb::len(inputs)) + " inputs, the model has " +
                       std::to_string(inputs_.size()));
    for (std::size_t i = 0; i < inputs_.size(); ++i) set_input(i, inputs[i]);
  } else {
    if (inputs_.size() != 1)
      invalid_argument("a single array was given, the model has " + std::to_string(inputs_.size()) +
                       " inputs: pass {name: array}");
    set_input(0, inputs);
  }
}

nb::dict Request::infer(nb::handle inputs, bool share_outputs) {
  start_async(inputs);
  wait();
  return results(share_outputs);
}

// Inputs are set and the inference queued under the GIL (queueing never blocks), so another
// Python thread cannot change this request's inputs between the two: it sees busy and raises.
void Request::start_async(nb::handle inputs) {
  set_inputs(inputs);
  request_.start();
}

void Request::wait() {
  nb::gil_scoped_release nogil;
  request_.wait();
}

bool Request::wait_for(double seconds) {
  if (!(seconds >= 0)) invalid_argument("wait_for: the timeout must be >= 0 seconds");
  const auto ms = std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000 + 0.5));
  nb::gil_scoped_release nogil;
  return request_.wait_for(ms);
}

// Without the GIL: cancel() runs the callback (which takes the GIL) on this thread.
bool Request::cancel() {
  nb::gil_scoped_release nogil;
  return request_.cancel();
}

void Request::set_callback(nb::object callback, nb::object userdata) {
  if (callback.is_none()) {
    request_.set_callback(nullptr);
    callback_.reset();
    return;
  }
  auto cb = std::make_shared<PyCallback>(std::move(callback), std::move(userdata));
  request_.set_callback([cb](std::exception_ptr error) { (*cb)(error); });
  callback_ = std::move(cb);
}

int Request::traverse(visitproc visit, void* arg) const {
  if (callback_) {
    Py_VISIT(callback_->fn);
    Py_VISIT(callback_->userdata);
  }
  for (const nb::object& o : held_) Py_VISIT(o.ptr());
  return 0;
}

void Request::clear() {
  // A collected request is unreachable, so nothing can start it again: wait for a run in
  // flight (it needs no GIL to finish) before its input arrays go.
  try {
    request_.wait();
  } catch (const std::exception&) {  // its error has no one left to see it
  }
  request_.set_callback(nullptr);
  callback_.reset();
  for (nb::object& o : held_) o.reset();
}

namespace {

int request_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(self));
  if (!nb::inst_ready(self)) return 0;
  return nb::inst_ptr<Request>(self)->traverse(visit, arg);
}

int request_clear(PyObject* self) {
  if (nb::inst_ready(self)) nb::inst_ptr<Request>(self)->clear();
  return 0;
}

PyType_Slot request_slots[] = {{Py_tp_traverse, reinterpret_cast<void*>(request_traverse)},
                               {Py_tp_clear, reinterpret_cast<void*>(request_clear)},
                               {0, nullptr}};

}  // namespace

nb::object Request::get_tensor(const std::string& name, bool share) const {
  return array_from_tensor(request_.get_tensor(name), share);
}

nb::dict Request::results(bool share) const {
  nb::dict out;
  for (const auto& p : outputs_) {
    const Tensor t = request_.get_tensor(p.name);
    if (t.empty()) invalid_argument("no results yet: the request has not completed an inference");
    out[nb::str(p.name.c_str())] = array_from_tensor(t, share);
  }
  return out;
}

void bind_request(nb::module_& m) {
  nb::class_<LayerProfile>(m, "LayerProfile", "Per-layer counter (perf_counters=True).")
      .def_ro("name", &LayerProfile::name)
      .def_ro("op_type", &LayerProfile::op_type)
      .def_ro("fused_from", &LayerProfile::fused_from)
      .def_ro("implementation", &LayerProfile::implementation)
      .def_ro("layout", &LayerProfile::layout)
      .def_ro("time_ms", &LayerProfile::time_ms)
      .def_ro("count", &LayerProfile::count)
      .def_ro("precision", &LayerProfile::precision);

  nb::class_<Request>(m, "InferRequest", nb::type_slots(request_slots),
                      "One inference context of a CompiledModel. Input arrays are used without a "
                      "copy when C-contiguous with the input's dtype (a strided view is copied "
                      "once); outputs are copies unless share_outputs=True.")
      .def("infer", &Request::infer, nb::arg("inputs") = nb::none(),
           nb::arg("share_outputs") = false,
           nb::sig(
               "def infer(self, inputs: collections.abc.Mapping[str | int, numpy.typing.ArrayLike] "
               "| numpy.typing.ArrayLike | None = None, share_outputs: bool = False) "
               "-> dict[str, numpy.ndarray]"),
           "Runs one inference (the GIL released) and returns {output name: array}. inputs: "
           "{name or index: array}, a list in input order, or one array for a one-input model. "
           "share_outputs=True returns views of the request's output memory, overwritten by its "
           "next inference, instead of copies.")
      .def("start_async", &Request::start_async, nb::arg("inputs") = nb::none(),
           nb::sig("def start_async(self, inputs: collections.abc.Mapping[str | int, "
                   "numpy.typing.ArrayLike] | numpy.typing.ArrayLike | None = None) -> None"),
           "Queues one inference on the compiled model's streams and returns at once; wait() "
           "or the callback tells when it is done. The input arrays must not be modified until "
           "then (they are read in place).")
      .def("wait", &Request::wait,
           "Blocks (the GIL released) until the started inference completes; raises its error.")
      .def("wait_for", &Request::wait_for, nb::arg("timeout"),
           "Waits at most timeout seconds (the GIL released): False if the inference is still "
           "queued or running, else as wait().")
      .def("cancel", &Request::cancel,
           "Cancels a started inference no stream has picked up yet: wait() and the callback "
           "then see an Error with code 'cancelled'. False when it already runs or is done.")
      .def_prop_ro("busy", &Request::busy)
      .def("set_callback", &Request::set_callback, nb::arg("callback").none(),
           nb::arg("userdata") = nb::none(),
           nb::sig("def set_callback(self, callback: typing.Callable[[typing.Any, Error | None], "
                   "None] | None, userdata: typing.Any = None) -> None"),
           "callback(userdata, error) is called once per started inference when it completes, "
           "holding the GIL, on a stream thread (or cancel()'s caller); error is None or the "
           "inferlab.Error of the inference (wait() raises it too). None removes the callback.")
      .def("set_tensor", &Request::set_tensor, nb::arg("name"), nb::arg("array"))
      .def("get_tensor", &Request::get_tensor, nb::arg("name"), nb::arg("share") = false,
           nb::sig("def get_tensor(self, name: str, share: bool = False) -> numpy.ndarray"),
           "The named output (or input) as an array: a copy, or a view with share=True.")
      .def_prop_ro(
          "results", [](const Request& r) { return r.results(false); },
          nb::sig("def results(self) -> dict[str, numpy.ndarray]"),
          "{output name: array} of the last completed inference (copies).")
      .def_prop_ro("profile", &Request::profile)
      .def_prop_ro("inputs", &Request::inputs)
      .def_prop_ro("outputs", &Request::outputs);
}

}  // namespace inferlab::py
