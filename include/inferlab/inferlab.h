#pragma once
// The public C++ API, in the spirit of OpenVINO 2.0:
//   Core core;
//   auto model = core.read_model("resnet50.onnx");
//   CompiledModel cm = core.compile_model(model, options);
//   InferRequest req = cm.create_infer_request();
//   req.set_tensor("input", tensor); req.infer(); Tensor out = req.get_tensor("output");
// Asynchronous use: req.start(); ... req.wait();
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace inferlab {

enum class PerformanceHint { latency, throughput };

// Everything that changes how a model is compiled. Defaults give a latency-oriented,
// optimized FP32 compile of the model's own shapes.
struct CompileOptions {
  std::map<std::string, Shape> shapes;  // per-input shape overrides (like OpenVINO reshape)
  std::int64_t batch = 0;               // >0: set dimension 0 of every input
  std::string engine = "optimized";     // "optimized" (oneDNN) or "reference"
  PerformanceHint hint = PerformanceHint::latency;
  int streams = 0;             // 0: chosen from the hint
  int threads_per_stream = 0;  // 0: cores / streams
  bool pin = true;             // pin each stream's threads to its own cores
  std::string precision = "f32";
  bool perf_counters = false;      // collect per-layer timings
  std::string conv_algo = "auto";  // auto | direct | winograd
  // Inputs replaced by constants before compiling (like Model Optimizer's
  // --freeze_placeholder_with_value); needed where a model feeds shape parameters at run time.
  std::map<std::string, Tensor> frozen_inputs;
};

struct PortInfo {
  std::string name;
  DType dtype = DType::undefined;
  Shape shape;
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
};

class Program;
class StreamPool;
struct CompiledModelImpl;
struct InferRequestImpl;

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
  bool busy() const;
  // Called (from a stream thread) when a started inference completes.
  void set_callback(std::function<void()> done);
  std::vector<LayerProfile> profile() const;

 private:
  friend class CompiledModel;
  std::shared_ptr<InferRequestImpl> impl_;
};

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
  double compile_ms() const;
  // Defaults compile applied for the caller (e.g. a symbolic batch dimension set to 1).
  const std::vector<std::string>& notes() const;
  std::size_t weight_bytes() const;
  std::size_t activation_bytes() const;  // planned activation arena per request

 private:
  friend class Core;
  std::shared_ptr<CompiledModelImpl> impl_;
};

class Core {
 public:
  // Reads an ONNX model; throws Error naming the file and problem.
  std::shared_ptr<Graph> read_model(const std::string& path) const;
  CompiledModel compile_model(const std::shared_ptr<const Graph>& model,
                              const CompileOptions& options = {}) const;
  CompiledModel compile_model(const std::string& path, const CompileOptions& options = {}) const;
};

}  // namespace inferlab
