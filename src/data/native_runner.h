#pragma once
// A ModelRunner for inferlab's own engine, through the public API (Core / CompiledModel /
// InferRequest), for single-input image models.
#include <memory>

#include "data/evaluate.h"
#include "inferlab/inferlab.h"
#include "ir/error.h"
#include "ir/graph.h"

namespace inferlab::data {

struct NativeModel {
  PortInfo input;  // shape with the batch actually compiled
  int batch = 1;
  CompiledModel compiled;
  InferRequest request;
  ModelRunner runner;  // refers to this object: keep it alive while evaluating
};

// Compiles `path` with `engine`. A model exported with a fixed batch runs at that batch; a
// dynamic batch is set to `batch`.
std::unique_ptr<NativeModel> open_native_model(const std::string& path, const std::string& engine,
                                               int batch);

// Fills width/height from the model input where the preprocessing leaves them open, and checks
// that the preprocessing produces what the input takes (channels, size, layout, dtype).
void fit_preprocess_to_input(PreprocessConfig& pre, const PortInfo& input);

}  // namespace inferlab::data
