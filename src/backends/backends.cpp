#include <sys/resource.h>

#include <algorithm>
#include <fstream>

#include "backends/backend_impl.h"
#include "frontends/model_file.h"
#include "passes/shape_inference.h"

namespace inferlab::backends {

const std::vector<std::string>& backend_names() {
  static const std::vector<std::string> names{"native",  "onnxruntime", "opencv",
                                              "pytorch", "openvino",    "tensorflow"};
  return names;
}

void check_backend_name(const std::string& name) {
  const auto& n = backend_names();
  if (std::find(n.begin(), n.end(), name) == n.end())
    fail("unknown backend '{}' (known: native, onnxruntime, opencv, pytorch, openvino, tensorflow)",
         name);
}

std::unique_ptr<Backend> open_backend(const std::string& name, const BackendOptions& o) {
  check_backend_name(name);
  if (name == "native") return open_native_backend(o);
  if (!o.calibration.dir.empty() && o.precision == Precision::i8)
    fail(
        "--calibration quantizes in memory for the native engine only; for {}, write the QDQ "
        "model with `inferlab quantize` and run that file",
        name);
  return open_peer_backend(name, o);
}

std::vector<PortInfo> model_inputs(const BackendOptions& o, std::string* graph_name,
                                   std::vector<std::string>* notes) {
  auto g = read_model_file(o.model, o.weights);
  if (graph_name) *graph_name = g->name;
  auto applied = specialize_input_shapes(*g, o.shapes, o.batch);
  if (notes) *notes = std::move(applied);
  std::vector<PortInfo> ports;
  for (const auto& n : g->inputs) ports.push_back({n, g->value(n).dtype, g->value(n).shape});
  return ports;
}

bench::RunMeta run_meta(const BackendInfo& info, const BackendOptions& o) {
  bench::RunMeta m;
  m.backend = info.name;
  m.backend_version = info.version;
  m.model = o.model;
  m.precision = precision_name(o.precision);
  m.precision_layers = info.settings.value("precision_layers", "");
  m.settings = info.settings;
  m.compile_ms = info.compile_ms;
  const bool batched = !info.inputs.empty() && !info.inputs[0].shape.empty();
  m.batch = batched && info.inputs[0].shape[0] > 0 ? static_cast<int>(info.inputs[0].shape[0])
                                                   : std::max<int>(1, static_cast<int>(o.batch));
  m.streams = info.settings.value("streams", 1);
  m.threads = info.settings.value("threads_per_stream", info.settings.value("threads", 1));
  m.nireq = info.in_flight;
  return m;
}

double self_peak_rss_mb() {
  // VmHWM is the high-water mark of this process's own address space. getrusage's ru_maxrss is
  // not used: a process started by posix_spawn/vfork inherits its parent's peak there.
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

std::vector<std::vector<Tensor>> ordered_samples(const std::vector<TensorMap>& samples,
                                                 const std::vector<PortInfo>& ports) {
  std::vector<std::vector<Tensor>> out;
  for (std::size_t s = 0; s < samples.size(); ++s) {
    std::vector<Tensor> row;
    for (const auto& p : ports) {
      auto it = samples[s].find(p.name);
      if (it == samples[s].end()) fail("sample {} gives no input '{}'", s, p.name);
      if (it->second.shape() != p.shape || it->second.dtype() != p.dtype) {
        fail("sample {}: input '{}' is {} {}, the model expects {} {}", s, p.name,
             dtype_name(it->second.dtype()), shape_str(it->second.shape()), dtype_name(p.dtype),
             shape_str(p.shape));
      }
      row.push_back(it->second);
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace inferlab::backends
