// Compile options from Python: OpenVINO's configuration keys ({"PERFORMANCE_HINT": "THROUGHPUT"})
// and keyword arguments named like the C++ CompileOptions fields (hint=PerformanceHint.throughput).
// Every key is checked: an unknown one raises with the accepted list, never ignored.
#include <nanobind/stl/string.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "binding.h"

namespace inferlab::py {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

bool to_bool(nb::handle v, const std::string& key) {
  if (nb::isinstance<nb::bool_>(v)) return nb::cast<bool>(v);
  if (nb::isinstance<nb::str>(v)) {  // OpenVINO writes "YES" / "NO"
    const std::string s = lower(nb::cast<std::string>(v));
    if (s == "yes" || s == "true") return true;
    if (s == "no" || s == "false") return false;
  }
  invalid_argument("option " + key + ": expected True/False or \"YES\"/\"NO\", got " +
                   nb::cast<std::string>(nb::repr(v)));
}

int to_int(nb::handle v, const std::string& key) {
  if (nb::isinstance<nb::bool_>(v) || !nb::isinstance<nb::int_>(v))
    invalid_argument("option " + key + ": expected an integer, got " +
                     nb::cast<std::string>(nb::repr(v)));
  return nb::cast<int>(v);
}

double to_double(nb::handle v, const std::string& key) {
  if (nb::isinstance<nb::bool_>(v) ||
      !(nb::isinstance<nb::int_>(v) || nb::isinstance<nb::float_>(v)))
    invalid_argument("option " + key + ": expected a number, got " +
                     nb::cast<std::string>(nb::repr(v)));
  return nb::cast<double>(v);
}

std::string to_str(nb::handle v, const std::string& key) {
  if (!nb::isinstance<nb::str>(v))
    invalid_argument("option " + key + ": expected a string, got " +
                     nb::cast<std::string>(nb::repr(v)));
  return nb::cast<std::string>(v);
}

PerformanceHint to_hint(nb::handle v, const std::string& key) {
  if (nb::isinstance<PerformanceHint>(v)) return nb::cast<PerformanceHint>(v);
  const std::string s = lower(to_str(v, key));
  if (s == "latency") return PerformanceHint::latency;
  if (s == "throughput") return PerformanceHint::throughput;
  invalid_argument("option " + key + ": '" + s + "' is not a hint (LATENCY, THROUGHPUT)");
}

Precision to_precision(nb::handle v, const std::string& key) {
  if (nb::isinstance<Precision>(v)) return nb::cast<Precision>(v);
  return parse_precision(lower(to_str(v, key)));  // raises listing the choices
}

Engine to_engine(nb::handle v, const std::string& key) {
  if (nb::isinstance<Engine>(v)) return nb::cast<Engine>(v);
  return parse_engine(lower(to_str(v, key)));  // raises listing the choices
}

ConvAlgo to_conv_algo(nb::handle v, const std::string& key) {
  if (nb::isinstance<ConvAlgo>(v)) return nb::cast<ConvAlgo>(v);
  return parse_conv_algo(lower(to_str(v, key)));  // raises listing the choices
}

Shape to_shape(nb::handle v, const std::string& key) {
  Shape s;
  for (nb::handle d : v) s.push_back(to_int(d, key));
  return s;
}

namespace {

// OpenVINO property names -> CompileOptions fields.
const std::map<std::string, std::string> kOpenVinoKeys = {
    {"PERFORMANCE_HINT", "hint"},
    {"NUM_STREAMS", "streams"},
    {"INFERENCE_PRECISION_HINT", "precision"},
    {"PERF_COUNT", "perf_counters"},
    {"ENABLE_CPU_PINNING", "pin"},
};

using Setter = std::function<void(CompileOptions&, nb::handle, const std::string&)>;

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"hint",
       [](CompileOptions& o, nb::handle v, const std::string& k) { o.hint = to_hint(v, k); }},
      {"precision", [](CompileOptions& o, nb::handle v,
                       const std::string& k) { o.precision = to_precision(v, k); }},
      {"engine",
       [](CompileOptions& o, nb::handle v, const std::string& k) { o.engine = to_engine(v, k); }},
      {"conv_algo", [](CompileOptions& o, nb::handle v,
                       const std::string& k) { o.conv_algo = to_conv_algo(v, k); }},
      {"streams",
       [](CompileOptions& o, nb::handle v, const std::string& k) { o.streams = to_int(v, k); }},
      {"threads_per_stream", [](CompileOptions& o, nb::handle v,
                                const std::string& k) { o.threads_per_stream = to_int(v, k); }},
      {"batch",
       [](CompileOptions& o, nb::handle v, const std::string& k) { o.batch = to_int(v, k); }},
      {"pin", [](CompileOptions& o, nb::handle v, const std::string& k) { o.pin = to_bool(v, k); }},
      {"perf_counters", [](CompileOptions& o, nb::handle v,
                           const std::string& k) { o.perf_counters = to_bool(v, k); }},
      {"frozen_inputs",
       [](CompileOptions& o, nb::handle v, const std::string& k) {
         for (auto [name, array] : nb::cast<nb::dict>(v)) {
           const std::string n = to_str(name, k);
           o.frozen_inputs[n] = tensor_copy_from_array(array, k + "['" + n + "']");
         }
       }},
      {"shapes",
       [](CompileOptions& o, nb::handle v, const std::string& k) {
         for (auto [name, shape] : nb::cast<nb::dict>(v))
           o.shapes[to_str(name, k)] = to_shape(shape, k + "['" + to_str(name, k) + "']");
       }},
  };
  return table;
}

void apply(CompileOptions& o, const std::string& field, nb::handle value, const std::string& key) {
  const auto& table = setters();
  auto it = table.find(field);
  if (it == table.end()) {
    std::string known;
    for (const auto& [k, _] : kOpenVinoKeys) known += (known.empty() ? "" : ", ") + k;
    for (const auto& [k, _] : table) known += ", " + k;
    invalid_argument("unknown compile option '" + key + "' (accepted: " + known + ")");
  }
  it->second(o, value, key);
}

}  // namespace

CompileOptions compile_options_from(nb::handle config, const nb::kwargs& kwargs) {
  CompileOptions o;
  if (!config.is_none()) {
    if (!nb::isinstance<nb::dict>(config))
      invalid_argument("config must be a dict such as {\"PERFORMANCE_HINT\": \"THROUGHPUT\"}");
    for (auto [k, v] : nb::cast<nb::dict>(config)) {
      const std::string key = nb::cast<std::string>(nb::str(k));
      auto ov = kOpenVinoKeys.find(key);
      apply(o, ov != kOpenVinoKeys.end() ? ov->second : key, v, key);
    }
  }
  for (auto [k, v] : kwargs) {
    const std::string key = nb::cast<std::string>(k);
    apply(o, key, v, key);
  }
  return o;
}

void bind_options(nb::module_& m) {
  nb::enum_<PerformanceHint>(m, "PerformanceHint",
                             "How the compiled model is tuned: one request at a time "
                             "(latency) or many in parallel streams (throughput).")
      .value("latency", PerformanceHint::latency)
      .value("throughput", PerformanceHint::throughput);
  nb::enum_<Precision>(m, "Precision",
                       "Arithmetic precision the engine may run layers in (docs/engine.md).")
      .value("f32", Precision::f32)
      .value("bf16", Precision::bf16)
      .value("i8", Precision::i8);
  nb::enum_<Engine>(m, "Engine",
                    "optimized: oneDNN primitives; reference: the plain per-operator kernels.")
      .value("optimized", Engine::optimized)
      .value("reference", Engine::reference);
  nb::enum_<ConvAlgo>(m, "ConvAlgo", "Convolution algorithm of the optimized engine.")
      .value("automatic", ConvAlgo::automatic)
      .value("direct", ConvAlgo::direct)
      .value("winograd", ConvAlgo::winograd);
}

}  // namespace inferlab::py
