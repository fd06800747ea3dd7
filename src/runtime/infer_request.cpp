// InferRequest: inputs and outputs by name, and the asynchronous contract (start, wait,
// wait_for, cancel, completion callbacks that receive the error).
#include <new>

#include "ir/error.h"
#include "runtime/compiled_model_impl.h"

namespace inferlab {

namespace {

std::size_t port_index(const std::vector<PortInfo>& ports, const std::string& name,
                       const char* kind) {
  for (std::size_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == name) return i;
  std::string names;
  for (const auto& p : ports) names += (names.empty() ? "" : ", ") + p.name;
  fail("model has no {} named '{}' (its {}s: {})", kind, name, kind, names);
}

// Runs one queued inference of `r` unless it was cancelled (or superseded by a newer start())
// while queued. `r` may be gone once this returns.
void run_task(InferRequestImpl* r, std::uint64_t generation) {
  {
    std::lock_guard lock(r->mu);
    if (!r->running || r->generation != generation) {
      --r->queued_tasks;  // cancelled: the destructor may now proceed
      r->cv.notify_all();
      return;
    }
    r->executing = true;
  }
  std::exception_ptr error;
  try {
    r->run_now();
  } catch (const std::bad_alloc&) {
    error = std::make_exception_ptr(
        Error("out of memory running the inference", ErrorCode::out_of_memory));
  } catch (...) {
    error = std::current_exception();
  }
  std::function<void(std::exception_ptr)> cb;
  {
    std::lock_guard lock(r->mu);
    r->error = error;
    r->running = false;
    r->executing = false;
    --r->queued_tasks;
    cb = r->callback;
    r->cv.notify_all();
  }
  // `r` may be gone from here on: only the callback's own copy is used.
  if (cb) cb(error);
}

// wait()'s ending: the error of the completed inference, once.
void rethrow_error(InferRequestImpl& r) {
  if (r.error) {
    auto e = r.error;
    r.error = nullptr;
    std::rethrow_exception(e);
  }
}

}  // namespace

InferRequestImpl& InferRequest::impl() const {
  if (!impl_) fail("this InferRequest is empty: get one from CompiledModel::create_infer_request");
  return *impl_;
}

void InferRequest::set_tensor(const std::string& name, const Tensor& t) {
  InferRequestImpl& r = impl();
  const auto& ports = r.model->inputs;
  const std::size_t i = port_index(ports, name, "input");
  if (t.dtype() != ports[i].dtype || t.shape() != ports[i].shape) {
    fail("input '{}': got a {} tensor of shape {}, the compiled model expects {} of shape {}", name,
         dtype_name(t.dtype()), shape_str(t.shape()), dtype_name(ports[i].dtype),
         shape_str(ports[i].shape));
  }
  r.inputs[i] = t;
}

Tensor InferRequest::get_tensor(const std::string& name) const {
  InferRequestImpl& r = impl();
  const auto& outs = r.model->outputs;
  for (std::size_t i = 0; i < outs.size(); ++i)
    if (outs[i].name == name) return r.outputs[i];
  return r.inputs[port_index(r.model->inputs, name, "input or output")];
}

void InferRequest::start() {
  InferRequestImpl* r = &impl();
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(r->mu);
    if (r->running) fail("infer request started while a previous inference is running");
    r->running = true;
    r->error = nullptr;
    generation = ++r->generation;
    ++r->queued_tasks;
  }
  try {
    r->model->pool->submit([r, generation](int) { run_task(r, generation); });
  } catch (...) {
    std::lock_guard lock(r->mu);
    r->running = false;
    --r->queued_tasks;
    r->cv.notify_all();
    throw;
  }
}

void InferRequest::wait() {
  InferRequestImpl& r = impl();
  std::unique_lock lock(r.mu);
  r.cv.wait(lock, [&] { return !r.running; });
  rethrow_error(r);
}

bool InferRequest::wait_for(std::chrono::milliseconds timeout) {
  InferRequestImpl& r = impl();
  std::unique_lock lock(r.mu);
  if (!r.cv.wait_for(lock, timeout, [&] { return !r.running; })) return false;
  rethrow_error(r);
  return true;
}

bool InferRequest::cancel() {
  InferRequestImpl& r = impl();
  std::exception_ptr error;
  std::function<void(std::exception_ptr)> cb;
  {
    std::lock_guard lock(r.mu);
    if (!r.running || r.executing) return false;
    // The task stays in its stream's queue and finds the request no longer running.
    error = std::make_exception_ptr(
        Error("the inference was cancelled before it started", ErrorCode::cancelled));
    r.error = error;
    r.running = false;
    cb = r.callback;
    r.cv.notify_all();
  }
  if (cb) cb(error);
  return true;
}

void InferRequest::infer() {
  start();
  wait();
}

bool InferRequest::busy() const {
  InferRequestImpl& r = impl();
  std::lock_guard lock(r.mu);
  return r.running;
}

void InferRequest::set_callback(std::function<void(std::exception_ptr)> done) {
  InferRequestImpl& r = impl();
  std::lock_guard lock(r.mu);
  r.callback = std::move(done);
}

void InferRequest::set_callback(std::function<void()> done) {
  if (!done) return set_callback(nullptr);
  set_callback([done = std::move(done)](std::exception_ptr) { done(); });
}

void InferRequest::set_callback(std::nullptr_t) {
  set_callback(std::function<void(std::exception_ptr)>());
}

std::vector<LayerProfile> InferRequest::profile() const {
  return impl().state->profile;
}

}  // namespace inferlab
