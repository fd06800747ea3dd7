#pragma once
// The public C++ API, in the spirit of OpenVINO 2.0:
//   Core core;
//   auto model = core.read_model("resnet50.onnx");
//   CompiledModel cm = core.compile_model(model, options);
//   InferRequest req = cm.create_infer_request();
//   req.set_tensor("input", tensor); req.infer(); Tensor out = req.get_tensor("output");
// Asynchronous use: req.start(); ... req.wait();
// Self-contained: it includes only the other headers of include/inferlab/ and the standard library.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "inferlab/dtype.h"
#include "inferlab/error.h"
#include "inferlab/model.h"
#include "inferlab/shape.h"
#include "inferlab/tensor.h"

namespace inferlab {

enum class PerformanceHint { latency, throughput };

// Arithmetic precision the engine may run layers in. f32: as the model says. bf16: convolutions,
// inner products, pooling and eltwise in bfloat16 with f32 accumulation (policy in
// docs/engine.md). i8: the int8 patterns of a pre-quantized model as int8 primitives. An engine
// that cannot honour the request fails to compile; it never runs f32 silently.
enum class Precision { f32, bf16, i8 };
// "f32", "bf16", "i8" -> Precision; anything else throws Error listing the choices.
Precision parse_precision(const std::string& name);
const char* precision_name(Precision p);

// Which engine compiles the model. optimized: oneDNN primitives with fused post-ops and planned
// memory. reference: the plain per-operator kernels, the oracle the optimized one is tested
// against (f32 only).
enum class Engine { optimized, reference };
// "optimized", "reference" -> Engine; anything else throws Error listing the choices.
Engine parse_engine(const std::string& name);
const char* engine_name(Engine e);

// Convolution algorithm of the optimized engine (docs/engine.md). automatic: Winograd for the 3x3
// stride-1 convolutions with at least 64 channels in and out, direct elsewhere. direct: always
// direct. winograd: Winograd wherever oneDNN has it for the layer, direct elsewhere.
enum class ConvAlgo { automatic, direct, winograd };
// "auto", "direct", "winograd" -> ConvAlgo; anything else throws Error listing the choices.
ConvAlgo parse_conv_algo(const std::string& name);
const char* conv_algo_name(ConvAlgo a);  // "auto", "direct", "winograd"

// Everything that changes how a model is compiled. Defaults give a latency-oriented,
// optimized FP32 compile of the model's own shapes. Core::compile_model validates every field
// once (ranges, enum values, combinations such as the reference engine with bf16) before any
// work, so a bad option fails the same way whatever the model contains.
struct CompileOptions {
  std::map<std::string, Shape> shapes;  // per-input shape overrides (like OpenVINO reshape)
  std::int64_t batch = 0;               // >0: set dimension 0 of every input
  Engine engine = Engine::optimized;
  PerformanceHint hint = PerformanceHint::latency;
  int streams = 0;             // 0: chosen from the hint
  int threads_per_stream = 0;  // 0: cores / streams
  bool pin = true;             // pin each stream's threads to its own cores
  Precision precision = Precision::f32;
  bool perf_counters = false;  // collect per-layer timings
  ConvAlgo conv_algo = ConvAlgo::automatic;
  // Inputs replaced by constants before compiling (like Model Optimizer's
  // --freeze_placeholder_with_value); needed where a model feeds shape parameters at run time.
  std::map<std::string, Tensor> frozen_inputs;
};

// Per-layer counter, reported when CompileOptions::perf_counters is set.
struct LayerProfile {
  std::string name;
  std::string op_type;
  std::vector<std::string> fused_from;
  std::string implementation;  // e.g. "brgconv:avx512_core", "reference"
  std::string layout;          // e.g. "nChw16c"
  double time_ms = 0;          // accumulated over the request's inferences
  std::int64_t count = 0;
  std::string precision = "f32";  // what the layer computes in: "f32", "bf16", "i8"
};

struct CompiledModelImpl;
struct InferRequestImpl;

// A handle on one inference's inputs, outputs and state. A default-constructed one is empty:
// every call on it throws Error. Destroying a request waits for its inference in flight.
class InferRequest {
 public:
  InferRequest() = default;
  // Copies nothing: the tensor is used as the input of the next inference. Throws Error on an
  // unknown name or a dtype/shape that does not match the compiled model.
  void set_tensor(const std::string& name, const Tensor& t);
  // Output (or input) tensor by name; valid until the next inference on this request.
  Tensor get_tensor(const std::string& name) const;
  void infer();  // synchronous
  void start();  // queue on the compiled model's streams
  void wait();   // block until the started inference completes; rethrows its error
  // Waits at most `timeout`: false if the inference is still queued or running, else as wait().
  bool wait_for(std::chrono::milliseconds timeout);
  // Cancels a started inference that no stream has picked up yet: it will not run, and wait()
  // and the callback see an Error with code cancelled. Returns false (and changes nothing) when
  // the inference is already running or done, or none was started.
  bool cancel();
  bool busy() const;
  // Called once per started inference when it completes, with its error (null on success): from
  // the stream thread, or from cancel()'s caller. The callback may start() this request again.
  void set_callback(std::function<void(std::exception_ptr error)> done);
  // The same without the error (wait() still rethrows it).
  void set_callback(std::function<void()> done);
  void set_callback(std::nullptr_t);  // removes the callback; also what set_callback({}) does
  std::vector<LayerProfile> profile() const;

 private:
  friend class CompiledModel;
  InferRequestImpl& impl() const;  // throws Error when empty
  std::shared_ptr<InferRequestImpl> impl_;
};

// A model compiled for this machine; cheap to copy (copies share it). A default-constructed one
// is empty: every call on it throws Error.
class CompiledModel {
 public:
  CompiledModel() = default;
  const std::vector<PortInfo>& inputs() const;
  const std::vector<PortInfo>& outputs() const;
  InferRequest create_infer_request() const;
  int streams() const;
  int threads_per_stream() const;
  const CompileOptions& options() const;
  // Human-readable graph after optimization: per node op, shapes, layout, implementation.
  std::string dump_graph() const;
  // One entry per layer of the compiled program (no timings): implementation, layout and the
  // precision each runs in. Views (reshapes that copy nothing) are not layers and are left out.
  std::vector<LayerProfile> layers() const;
  // Per-precision layer counts, e.g. "bf16: 20 layers, f32: 2 layers (Softmax_0, Gemm_1)";
  // names are listed for a precision with at most 5 layers when others exist.
  std::string precision_summary() const;
  double compile_ms() const;
  // Defaults compile applied for the caller (e.g. a symbolic batch dimension set to 1).
  const std::vector<std::string>& notes() const;
  std::size_t weight_bytes() const;
  std::size_t activation_bytes() const;  // planned activation arena per request

 private:
  friend class Core;
  CompiledModelImpl& impl() const;  // throws Error when empty
  std::shared_ptr<CompiledModelImpl> impl_;
};

// The entry point. It holds no state: a default-constructed Core is the usual one.
class Core {
 public:
  // Reads a model in the format of its extension (.onnx, .prototxt, .xml); `weights` names the
  // separate weights file of Caffe (.caffemodel) and OpenVINO IR (.bin), by default the one
  // beside the model. Throws Error naming the file and problem.
  Model read_model(const std::string& path, const std::string& weights = "") const;
  CompiledModel compile_model(const Model& model, const CompileOptions& options = {}) const;
  CompiledModel compile_model(const std::string& path, const CompileOptions& options = {}) const;
};

}  // namespace inferlab
