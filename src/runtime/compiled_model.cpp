#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>

#include "frontends/model_file.h"
#include "inferlab/inferlab.h"
#include "passes/passes.h"
#include "passes/shape_inference.h"
#include "runtime/model_graph.h"
#include "runtime/options.h"
#include "runtime/program.h"
#include "runtime/stream_pool.h"
#include "runtime/stream_rule.h"

namespace inferlab {

struct CompiledModelImpl {
  CompileOptions options;
  std::unique_ptr<Program> program;
  std::unique_ptr<StreamPool> pool;
  std::vector<PortInfo> inputs, outputs;
  double compile_ms = 0;
  std::vector<std::string> notes;
};

struct InferRequestImpl {
  std::shared_ptr<CompiledModelImpl> model;
  std::unique_ptr<ProgramState> state;
  std::vector<Tensor> inputs, outputs;
  std::function<void()> callback;

  std::mutex mu;
  std::condition_variable cv;
  bool running = false;
  std::exception_ptr error;

  void run_now() { model->program->run(*state, inputs, outputs); }

  // The stream task refers to the request by plain pointer (so the last owner of a model is
  // never a stream thread, which could not join itself): dropping a request therefore waits
  // for its inference in flight.
  ~InferRequestImpl() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return !running; });
  }
};

namespace {

// Multiply-accumulates of one inference in Conv, ConvTranspose, Gemm and MatMul nodes: the
// model's size as far as the stream rule is concerned.
double graph_macs(const Graph& g) {
  double macs = 0;
  for (const Node& n : g.nodes) {
    static const std::set<std::string> kCounted = {"Conv", "ConvTranspose", "Gemm", "MatMul"};
    if (!kCounted.count(n.op_type) || !n.has_input(0) || !n.has_input(1) || n.outputs.empty()) {
      continue;
    }
    const Shape& w = g.value(n.inputs[1]).shape;
    const Shape& y = g.value(n.outputs[0]).shape;
    const double out = static_cast<double>(shape_numel(y));
    // Conv/ConvTranspose inference rejects weights with an empty dimension; the guard keeps this
    // estimate safe for graphs that skipped it.
    const double per_w0 = w.empty() || w[0] < 1 ? 0.0 : static_cast<double>(shape_numel(w) / w[0]);
    if (n.op_type == "Conv" && w.size() >= 3) {
      macs += out * per_w0;
    } else if (n.op_type == "ConvTranspose" && w.size() >= 3) {
      macs += static_cast<double>(shape_numel(g.value(n.inputs[0]).shape)) * per_w0;
    } else if ((n.op_type == "Gemm" || n.op_type == "MatMul") && !w.empty()) {
      const Shape& a = g.value(n.inputs[0]).shape;
      const bool trans_a = n.op_type == "Gemm" && n.attrs.get_int("transA", 0);
      macs += out * static_cast<double>(a.empty() ? 1 : (trans_a ? a[0] : a.back()));
    }
  }
  return macs;
}

// The throughput-hint rule (docs/engine.md): small models (under 0.5 GMAC per inference) gain
// little from several threads per inference, so they get one single-thread stream per core;
// larger models get one stream per core below 8 cores and one per core pair from 8 cores on,
// where two threads per inference still scale and halve the number of in-flight activations.
std::size_t port_index(const std::vector<PortInfo>& ports, const std::string& name,
                       const char* kind) {
  for (std::size_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == name) return i;
  std::string names;
  for (const auto& p : ports) names += (names.empty() ? "" : ", ") + p.name;
  fail("model has no {} named '{}' (its {}s: {})", kind, name, kind, names);
}

}  // namespace

Model Core::read_model(const std::string& path, const std::string& weights) const {
  return wrap_graph(read_model_file(path, weights));
}

CompiledModel Core::compile_model(const std::string& path, const CompileOptions& options) const {
  return compile_model(read_model(path), options);
}

CompiledModel Core::compile_model(const Model& model, const CompileOptions& options) const {
  const auto t0 = std::chrono::steady_clock::now();
  const std::shared_ptr<const Graph>& source = model_graph(model);
  validate_options(options);
  const ProgramFactory* factory = find_engine(engine_name(options.engine));
  if (!factory) fail("engine '{}' is not built in", engine_name(options.engine));

  auto impl = std::make_shared<CompiledModelImpl>();
  impl->options = options;
  auto g = std::make_shared<Graph>(*source);
  freeze_inputs(*g, options.frozen_inputs);
  impl->notes = specialize_input_shapes(*g, options.shapes, options.batch);
  // Before folding, which would turn DequantizeLinear of constant weights into f32 weights.
  if (options.precision == Precision::i8) fuse_qdq(*g);
  infer_shapes_and_fold(*g);
  for (const auto& n : g->inputs) impl->inputs.push_back({n, g->value(n).dtype, g->value(n).shape});
  for (const auto& n : g->outputs)
    impl->outputs.push_back({n, g->value(n).dtype, g->value(n).shape});

  const int cpus = static_cast<int>(available_cpus().size());
  const int streams = default_streams(options, cpus, graph_macs(*g));
  const int threads =
      options.threads_per_stream > 0 ? options.threads_per_stream : std::max(1, cpus / streams);
  if (options.pin && streams * threads > cpus) {
    fail(
        "{} streams x {} threads need {} cores, only {} are available (use --no-pin to "
        "oversubscribe)",
        streams, threads, streams * threads, cpus);
  }
  impl->options.streams = streams;
  impl->options.threads_per_stream = threads;
  impl->program = (*factory)(g, impl->options);
  impl->pool = std::make_unique<StreamPool>(plan_streams(streams, threads, options.pin));
  impl->compile_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  CompiledModel cm;
  cm.impl_ = std::move(impl);
  return cm;
}

const std::vector<PortInfo>& CompiledModel::inputs() const {
  return impl_->inputs;
}
const std::vector<PortInfo>& CompiledModel::outputs() const {
  return impl_->outputs;
}
int CompiledModel::streams() const {
  return impl_->options.streams;
}
int CompiledModel::threads_per_stream() const {
  return impl_->options.threads_per_stream;
}
const CompileOptions& CompiledModel::options() const {
  return impl_->options;
}
std::string CompiledModel::dump_graph() const {
  return impl_->program->dump();
}
std::vector<LayerProfile> CompiledModel::layers() const {
  return impl_->program->layers();
}
std::string CompiledModel::precision_summary() const {
  return inferlab::precision_summary(impl_->program->layers());
}
double CompiledModel::compile_ms() const {
  return impl_->compile_ms;
}
const std::vector<std::string>& CompiledModel::notes() const {
  return impl_->notes;
}
std::size_t CompiledModel::weight_bytes() const {
  return impl_->program->weight_bytes();
}
std::size_t CompiledModel::activation_bytes() const {
  return impl_->program->activation_bytes();
}

InferRequest CompiledModel::create_infer_request() const {
  auto r = std::make_shared<InferRequestImpl>();
  r->model = impl_;
  r->state = impl_->program->create_state();
  r->state->collect_profile = impl_->options.perf_counters;
  for (const auto& p : impl_->inputs) r->inputs.emplace_back(p.dtype, p.shape);
  r->outputs.resize(impl_->outputs.size());
  InferRequest req;
  req.impl_ = std::move(r);
  return req;
}

void InferRequest::set_tensor(const std::string& name, const Tensor& t) {
  const auto& ports = impl_->model->inputs;
  const std::size_t i = port_index(ports, name, "input");
  if (t.dtype() != ports[i].dtype || t.shape() != ports[i].shape) {
    fail("input '{}': got a {} tensor of shape {}, the compiled model expects {} of shape {}", name,
         dtype_name(t.dtype()), shape_str(t.shape()), dtype_name(ports[i].dtype),
         shape_str(ports[i].shape));
  }
  impl_->inputs[i] = t;
}

Tensor InferRequest::get_tensor(const std::string& name) const {
  const auto& outs = impl_->model->outputs;
  for (std::size_t i = 0; i < outs.size(); ++i)
    if (outs[i].name == name) return impl_->outputs[i];
  return impl_->inputs[port_index(impl_->model->inputs, name, "input or output")];
}

void InferRequest::start() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->running) fail("infer request started while a previous inference is running");
    impl_->running = true;
    impl_->error = nullptr;
  }
  InferRequestImpl* r = impl_.get();
  r->model->pool->submit([r](int) {
    std::exception_ptr error;
    try {
      r->run_now();
    } catch (...) {
      error = std::current_exception();
    }
    std::function<void()> cb;
    {
      std::lock_guard lock(r->mu);
      r->error = error;
      r->running = false;
      cb = r->callback;
      r->cv.notify_all();
    }
    // `r` may be gone from here on: only the callback's own copy is used.
    if (cb) cb();
  });
}

void InferRequest::wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [&] { return !impl_->running; });
  if (impl_->error) {
    auto e = impl_->error;
    impl_->error = nullptr;
    std::rethrow_exception(e);
  }
}

void InferRequest::infer() {
  start();
  wait();
}

bool InferRequest::busy() const {
  std::lock_guard lock(impl_->mu);
  return impl_->running;
}

void InferRequest::set_callback(std::function<void()> done) {
  std::lock_guard lock(impl_->mu);
  impl_->callback = std::move(done);
}

std::vector<LayerProfile> InferRequest::profile() const {
  return impl_->state->profile;
}

}  // namespace inferlab
