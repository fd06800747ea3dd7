// Core, Model and CompiledModel: reading and compiling models from Python, as in OpenVINO's
// Python API (Core().read_model, core.compile_model(model, config)).
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <filesystem>
#include <map>
#include <optional>

#include "request.h"

namespace inferlab::py {
namespace {

// A model read from a file, not compiled yet, and the file it came from.
struct PyModel {
  Model model;
  std::string path;
};

nb::object port_dtype(const PortInfo& p) {
  return numpy_dtype(p.dtype);
}

nb::tuple port_shape(const PortInfo& p) {
  nb::list dims;
  for (auto d : p.shape) dims.append(d);
  return nb::tuple(dims);
}

// The Python CompiledModel: its last owner joins the stream threads, so it lets go of the GIL.
struct PyCompiledModel : CompiledModel {
  explicit PyCompiledModel(CompiledModel m) : CompiledModel(std::move(m)) {}
  PyCompiledModel(PyCompiledModel&&) = default;
  ~PyCompiledModel() { drop_without_gil(static_cast<CompiledModel&>(*this)); }
};

CompiledModel compile_model(const Core& core, nb::handle model, nb::handle config,
                            const nb::kwargs& kwargs) {
  const CompileOptions options = compile_options_from(config, kwargs);
  if (nb::isinstance<PyModel>(model)) {
    const PyModel& m = nb::cast<const PyModel&>(model);
    nb::gil_scoped_release nogil;
    return core.compile_model(m.model, options);
  }
  const std::string path = nb::cast<std::filesystem::path>(model).string();
  nb::gil_scoped_release nogil;
  return core.compile_model(path, options);
}

PyCompiledModel compile(const Core& core, nb::handle model, nb::handle config,
                        const nb::kwargs& kwargs) {
  return PyCompiledModel(compile_model(core, model, config, kwargs));
}

Request make_request(const PyCompiledModel& cm) {
  return Request(cm.create_infer_request(), cm.inputs(), cm.outputs());
}

}  // namespace

void bind_model(nb::module_& m) {
  nb::class_<PortInfo>(m, "PortInfo", "An input or output of a compiled model.")
      .def_ro("name", &PortInfo::name)
      .def_prop_ro(
          "any_name", [](const PortInfo& p) { return p.name; },
          "Same as name (OpenVINO's spelling).")
      .def_prop_ro("shape", &port_shape, "Dimensions as a tuple of ints.")
      .def_prop_ro("dtype", &port_dtype, "The numpy.dtype arrays for this port have.")
      .def_prop_ro(
          "element_type", [](const PortInfo& p) { return std::string(dtype_name(p.dtype)); },
          "The engine's element type name: f32, f16, bf16, i8, u8, i32, i64, bool.")
      .def("__repr__", [](const PortInfo& p) {
        return "<PortInfo " + p.name + " " + std::string(dtype_name(p.dtype)) + " " +
               shape_str(p.shape) + ">";
      });

  nb::class_<PyModel>(m, "Model", "A model read by Core.read_model, to pass to compile_model.")
      .def_ro("path", &PyModel::path)
      .def_prop_ro(
          "inputs", [](const PyModel& mo) { return mo.model.inputs(); },
          "Inputs as declared in the file (-1 marks a symbolic dimension).")
      .def_prop_ro("outputs", [](const PyModel& mo) { return mo.model.outputs(); })
      .def(
          "reshape",
          [](PyModel& mo, const std::map<std::string, std::vector<std::int64_t>>& shapes) {
            mo.model.reshape(std::map<std::string, Shape>(shapes.begin(), shapes.end()));
          },
          nb::arg("shapes"),
          "Sets whole input shapes by name before compiling, e.g. {\"input\": [4, 3, 224, "
          "224]} (like OpenVINO's Model.reshape).")
      .def("__repr__", [](const PyModel& mo) { return "<Model " + mo.path + ">"; });

  nb::class_<PyCompiledModel>(m, "CompiledModel", "A model compiled for this CPU.")
      .def_prop_ro("inputs", &CompiledModel::inputs)
      .def_prop_ro("outputs", &CompiledModel::outputs)
      .def("create_infer_request", &make_request)
      .def(
          "__call__",
          [](const PyCompiledModel& cm, nb::handle inputs, bool share_outputs) {
            Request r = make_request(cm);
            return r.infer(inputs, share_outputs);
          },
          nb::arg("inputs"), nb::arg("share_outputs") = false,
          nb::sig("def __call__(self, inputs: collections.abc.Mapping[str | int, "
                  "numpy.typing.ArrayLike] | numpy.typing.ArrayLike, share_outputs: bool = False) "
                  "-> dict[str, numpy.ndarray]"),
          "One inference on a new request: compiled_model({name: array}) -> {name: array}.")
      .def_prop_ro("streams", &CompiledModel::streams)
      .def_prop_ro("threads_per_stream", &CompiledModel::threads_per_stream)
      .def_prop_ro("compile_ms", &CompiledModel::compile_ms)
      .def_prop_ro("notes", &CompiledModel::notes)
      .def_prop_ro("weight_bytes", &CompiledModel::weight_bytes)
      .def_prop_ro("activation_bytes", &CompiledModel::activation_bytes)
      .def_prop_ro("layers", &CompiledModel::layers)
      .def("precision_summary", &CompiledModel::precision_summary)
      .def("dump_graph", &CompiledModel::dump_graph);

  nb::class_<Core>(m, "Core", "Entry point: reads and compiles models.")
      .def(nb::init<>())
      .def(
          "read_model",
          [](const Core& core, const std::filesystem::path& path,
             const std::optional<std::filesystem::path>& weights) {
            nb::gil_scoped_release nogil;
            return PyModel{core.read_model(path.string(), weights ? weights->string() : ""),
                           path.string()};
          },
          nb::arg("model"), nb::arg("weights") = nb::none(),
          "Reads .onnx, Caffe .prototxt (+ .caffemodel) or OpenVINO .xml (+ .bin).")
      .def("compile_model", &compile, nb::arg("model"), nb::arg("config") = nb::none(),
           nb::arg("kwargs"),
           nb::sig("def compile_model(self, model: Model | str | os.PathLike, "
                   "config: dict[str, typing.Any] | None = None, **kwargs: typing.Any) "
                   "-> CompiledModel"),
           "Compiles a Model or a model file. config: OpenVINO keys (PERFORMANCE_HINT, "
           "NUM_STREAMS, INFERENCE_PRECISION_HINT, PERF_COUNT, ENABLE_CPU_PINNING) or "
           "CompileOptions field names; keyword arguments: the CompileOptions fields (hint, "
           "precision, engine, conv_algo, streams, threads_per_stream, batch, pin, "
           "perf_counters, shapes, frozen_inputs).");
}

}  // namespace inferlab::py
