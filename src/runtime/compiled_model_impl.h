#pragma once
// What the public CompiledModel and InferRequest handles point to (compiled_model.cpp,
// infer_request.cpp).
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "inferlab/inferlab.h"
#include "runtime/program.h"
#include "runtime/stream_pool.h"

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
  std::function<void(std::exception_ptr)> callback;

  std::mutex mu;
  std::condition_variable cv;
  bool running = false;          // started and not yet completed or cancelled
  bool executing = false;        // a stream picked the inference up: too late to cancel
  std::uint64_t generation = 0;  // of the latest start(); a queued task of an older one is stale
  int queued_tasks = 0;          // tasks in the stream queues that still point to this request
  std::exception_ptr error;

  void run_now() { model->program->run(*state, inputs, outputs); }

  // The stream task refers to the request by plain pointer (so the last owner of a model is
  // never a stream thread, which could not join itself): dropping a request therefore waits
  // for its inference in flight, and for a cancelled one's task to leave its queue.
  ~InferRequestImpl() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return !running && queued_tasks == 0; });
  }
};

}  // namespace inferlab
