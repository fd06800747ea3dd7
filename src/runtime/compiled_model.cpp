#include <chrono>
#include <new>

#include "frontends/model_file.h"
#include "inferlab/inferlab.h"
#include "ir/macs.h"
#include "passes/passes.h"
#include "passes/shape_inference.h"
#include "runtime/compiled_model_impl.h"
#include "runtime/heap_policy.h"
#include "runtime/model_graph.h"
#include "runtime/options.h"
#include "runtime/stream_rule.h"

namespace inferlab {

Model Core::read_model(const std::string& path, const std::string& weights) const {
  limit_heap_retention();
  return wrap_graph(read_model_file(path, weights));
}

CompiledModel Core::compile_model(const std::string& path, const CompileOptions& options) const {
  return compile_model(read_model(path), options);
}

namespace {
std::shared_ptr<CompiledModelImpl> compile(const Model& model, const CompileOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  limit_heap_retention();
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
  if (options.precision == Precision::i8) fuse_qdq_sum(*g);
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
  return impl;
}
}  // namespace

CompiledModel Core::compile_model(const Model& model, const CompileOptions& options) const {
  CompiledModel cm;
  try {
    cm.impl_ = compile(model, options);
  } catch (const std::bad_alloc&) {
    // A model too large for this machine is a reportable condition, not a crash.
    fail(ErrorCode::out_of_memory, "out of memory compiling the model");
  }
  return cm;
}

const std::vector<PortInfo>& CompiledModel::inputs() const {
  return impl().inputs;
}
const std::vector<PortInfo>& CompiledModel::outputs() const {
  return impl().outputs;
}
int CompiledModel::streams() const {
  return impl().options.streams;
}
int CompiledModel::threads_per_stream() const {
  return impl().options.threads_per_stream;
}
const CompileOptions& CompiledModel::options() const {
  return impl().options;
}
std::string CompiledModel::dump_graph() const {
  return impl().program->dump();
}
std::vector<LayerProfile> CompiledModel::layers() const {
  return impl().program->layers();
}
std::string CompiledModel::precision_summary() const {
  return inferlab::precision_summary(impl().program->layers());
}
double CompiledModel::compile_ms() const {
  return impl().compile_ms;
}
const std::vector<std::string>& CompiledModel::notes() const {
  return impl().notes;
}
std::size_t CompiledModel::weight_bytes() const {
  return impl().program->weight_bytes();
}
std::size_t CompiledModel::activation_bytes() const {
  return impl().program->activation_bytes();
}

CompiledModelImpl& CompiledModel::impl() const {
  if (!impl_) fail("this CompiledModel is empty: get one from Core::compile_model");
  return *impl_;
}

InferRequest CompiledModel::create_infer_request() const {
  impl();  // throws when empty
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

}  // namespace inferlab
