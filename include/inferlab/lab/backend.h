#pragma once
// One interface over inferlab's own engine ("native") and the peer toolkits (ONNX Runtime,
// OpenCV DNN, PyTorch). The benchmark harness measures through it; other tools (accuracy,
// compare) run inferences through infer().
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "inferlab/error.h"
#include "inferlab/inferlab.h"
#include "inferlab/lab/calibration.h"
#include "inferlab/lab/loadgen.h"
#include "inferlab/lab/report.h"

namespace inferlab::backends {

// Settings common to all backends; each maps them to its own knobs and reports what it used.
struct BackendOptions {
  std::string model;
  std::string weights;                       // Caffe .caffemodel / OpenVINO .bin; "" = beside model
  std::int64_t batch = 0;                    // >0: dimension 0 of every input
  std::map<std::string, Shape> shapes;       // per-input shape overrides
  Engine engine = Engine::optimized;         // native only
  ConvAlgo conv_algo = ConvAlgo::automatic;  // native only
  PerformanceHint hint = PerformanceHint::latency;
  int streams = 0;  // 0: from the hint
  int threads = 0;  // per stream; 0: cores / streams
  int nireq = 0;    // requests in flight; 0: from the streams
  bool pin = true;
  bool async = true;                     // false: one request, synchronous infer() calls
  Precision precision = Precision::f32;  // peers: anything but f32 is refused
  bool perf_counters = false;
  int opt_level = 99;      // ORT graph optimisation level: 0, 1, 2, 99
  double timeout_s = 600;  // peers: longest wait for one reply of the worker
  // native only: --precision i8 on an FP32 model quantizes it in memory on these images
  // (data::quantize_for_precision); peers refuse it (they run a QDQ file from inferlab quantize).
  data::CalibrationRequest calibration;
};

using TensorMap = std::map<std::string, Tensor>;

struct BackendInfo {
  std::string name;
  std::string version;
  nlohmann::json settings;  // effective settings (threads, streams, requests, ...)
  double compile_ms = 0;
  int in_flight = 1;  // requests the backend runs concurrently
  std::vector<PortInfo> inputs, outputs;
  std::vector<std::string> notes;  // defaults the backend chose for the user (e.g. batch 1)
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const BackendInfo& info() const = 0;
  // The sample library: each sample gives every input. Must precede measure().
  virtual void set_samples(const std::vector<TensorMap>& samples) = 0;
  // Runs a load plan over the samples; latencies are taken where the inference runs.
  virtual bench::RunRecord measure(const bench::LoadPlan& plan,
                                   const bench::ProgressFn& progress = {}) = 0;
  // Runs one inference on `inputs` (every model input, compiled shapes) and returns every
  // output by name. This is the call other tools (accuracy, agreement) use.
  virtual TensorMap infer(const TensorMap& inputs) = 0;
  // Per-layer counters accumulated since load (native with perf_counters only).
  virtual std::vector<LayerProfile> layer_profile() { return {}; }
  // Peak resident memory of the process that runs the inferences, in MiB.
  virtual double peak_rss_mb() = 0;
};

// Whether the native backend has the engine `e` in this build.
bool native_engine_available(Engine e);

// "native", "onnxruntime", "opencv", "pytorch".
const std::vector<std::string>& backend_names();
void check_backend_name(const std::string& name);  // throws Error listing the known names
// Opens (loads and compiles) a model. Throws Error when the backend is unavailable or fails.
std::unique_ptr<Backend> open_backend(const std::string& name, const BackendOptions& options);

// The model's input ports with `options`' batch/shape overrides applied, as every backend sees
// them (read with inferlab's ONNX importer); `graph_name` receives the ONNX graph's name and
// `notes` the defaults applied (specialize_input_shapes).
std::vector<PortInfo> model_inputs(const BackendOptions& options, std::string* graph_name = nullptr,
                                   std::vector<std::string>* notes = nullptr);

// What every result records about an opened backend: name, version, model, precision (and the
// per-layer count the backend reports), effective settings, compile time, the batch it runs
// (dimension 0 of its first input) and its streams, threads and requests in flight. Callers add
// the fingerprint and run id. One place, so that bench, compare, sweep and scale agree.
bench::RunMeta run_meta(const BackendInfo& info, const BackendOptions& options);

// This process's peak resident set size in MiB (VmHWM of /proc/self/status).
double self_peak_rss_mb();

}  // namespace inferlab::backends
