#pragma once
// Helpers of the model-format tests: temporary model files and one-shot inference.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "inferlab/inferlab.h"
#include "runtime/model_graph.h"
#include "support/temp_dir.h"

namespace inferlab::test {

namespace fs = std::filesystem;

// A folder removed when the test ends.
struct ModelDir : TempDir {
  ModelDir() : TempDir("formats") {}
};

// Runs `model` once on its (single) input `x` with the given engine; returns output `index`.
inline Tensor run_once(const std::shared_ptr<Graph>& model, const Tensor& x,
                       Engine engine = Engine::reference, std::size_t index = 0) {
  CompileOptions o;
  o.engine = engine;
  o.streams = 1;
  o.threads_per_stream = 1;
  o.pin = false;
  CompiledModel cm = Core().compile_model(wrap_graph(model), o);
  InferRequest r = cm.create_infer_request();
  r.set_tensor(cm.inputs().at(0).name, x);
  r.infer();
  return r.get_tensor(cm.outputs().at(index).name).clone();
}

// Runs `model` once on input `x`; every output by name.
inline std::map<std::string, Tensor> run_all(const std::shared_ptr<Graph>& model, const Tensor& x,
                                             Engine engine = Engine::optimized) {
  CompileOptions o;
  o.engine = engine;
  o.pin = false;
  o.batch = x.shape().empty() ? 0 : x.shape()[0];  // fixes a dynamic batch
  CompiledModel cm = Core().compile_model(wrap_graph(model), o);
  InferRequest r = cm.create_infer_request();
  r.set_tensor(cm.inputs().at(0).name, x);
  r.infer();
  std::map<std::string, Tensor> out;
  for (const auto& p : cm.outputs()) out[p.name] = r.get_tensor(p.name).clone();
  return out;
}

inline Tensor filled(const Shape& s, std::initializer_list<float> v) {
  Tensor t(DType::f32, s);
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

}  // namespace inferlab::test
