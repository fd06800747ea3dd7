#pragma once
// One model fuzz case: import (ONNX here; Caffe and OpenVINO IR in their targets), shape
// inference and constant folding, then (when every tensor is small) compile on an engine and run
// one inference on zero inputs. Errors are expected; crashes,
// sanitizer reports and non-Error exceptions are findings.
#include <new>

#include "frontends/onnx/onnx_importer.h"
#include "fuzz_util.h"
#include "inferlab/inferlab.h"
#include "passes/shape_inference.h"
#include "runtime/model_graph.h"

namespace inferlab::fuzz {

inline bool all_values_small(const Graph& g) {
  for (const auto& [name, v] : g.values()) {
    if (!v.known) continue;
    std::int64_t n = 1;
    for (std::int64_t d : v.shape) {
      if (d < 0 || (d > 0 && n > kMaxRunElements / d)) return false;
      n *= d;
    }
    if (n > kMaxRunElements) return false;
  }
  return true;
}

// Shape inference and constant folding on an imported graph, then (when every tensor is small)
// compile on `engine` and one inference on zero inputs. Throws what the engine throws.
inline void run_graph_case(const std::shared_ptr<Graph>& model, const char* engine) {
  Graph probe = *model;  // inference on a copy first, to bound what the run would allocate
  specialize_input_shapes(probe, {}, 0);
  infer_shapes_and_fold(probe);
  if (!all_values_small(probe)) return;
  CompileOptions o;
  o.engine = parse_engine(engine);
  o.streams = 1;
  o.threads_per_stream = 1;
  o.pin = false;
  CompiledModel cm = Core().compile_model(wrap_graph(model), o);
  InferRequest req = cm.create_infer_request();
  for (const auto& p : cm.inputs()) req.set_tensor(p.name, Tensor(p.dtype, p.shape));
  req.infer();
}

inline void run_onnx_case(const std::uint8_t* data, std::size_t size, const char* engine) {
  const std::string path = scratch_file("model.onnx", data, size);
  try {
    run_graph_case(import_onnx(path), engine);
  } catch (const Error&) {
  } catch (const std::bad_alloc&) {
  }
}

}  // namespace inferlab::fuzz
