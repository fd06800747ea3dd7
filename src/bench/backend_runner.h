#pragma once
// The evaluation's ModelRunner (data/evaluate.h) over any backend of the harness: the native
// engine or a peer toolkit in its worker process, through its infer() call. Used by accuracy
// runs (accuracy_run.cpp) and the tests that evaluate models directly.
#include <memory>
#include <string>

#include "data/evaluate.h"
#include "inferlab/lab/backend.h"

namespace inferlab::bench {

struct BackendRunner {
  std::unique_ptr<backends::Backend> backend;
  PortInfo input;  // as the backend compiled it (batch fixed)
  int batch = 1;
  data::ModelRunner runner;  // refers to this object: keep it alive while evaluating
};

// Opens `name` on `options.model`, a single-input image model. A model exported with a fixed
// batch runs at that batch; a dynamic batch is set to `batch` (options.batch is overwritten).
// Throws Error naming the model when it has several inputs or an input without a shape.
std::unique_ptr<BackendRunner> open_backend_runner(const std::string& name,
                                                   backends::BackendOptions options, int batch);

// The native engine `engine` ("optimized", "reference") on one stream, unpinned (decode workers
// share the cores), synchronous.
std::unique_ptr<BackendRunner> open_native_runner(const std::string& model, Engine engine,
                                                  int batch);

}  // namespace inferlab::bench
