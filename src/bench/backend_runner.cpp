#include "bench/backend_runner.h"

#include "ir/error.h"

namespace inferlab::bench {

std::unique_ptr<BackendRunner> open_backend_runner(const std::string& name,
                                                   backends::BackendOptions options, int batch) {
  // The model's own input (dimensions possibly dynamic), read with inferlab's importer.
  const Model model = Core().read_model(options.model, options.weights);
  if (model.inputs().size() != 1)
    fail("{}: the model has {} runtime inputs, accuracy takes single-input image models",
         options.model, model.inputs().size());
  const Shape& shape = model.inputs()[0].shape;
  if (shape.empty()) fail("{}: input '{}' has no shape", options.model, model.inputs()[0].name);
  auto m = std::make_unique<BackendRunner>();
  // A model exported with a fixed batch runs at that batch.
  m->batch = shape[0] > 0 ? static_cast<int>(shape[0]) : batch;
  options.batch = m->batch;
  m->backend = backends::open_backend(name, options);
  const auto& info = m->backend->info();
  if (info.inputs.size() != 1) fail("{}: backend reports {} inputs", name, info.inputs.size());
  m->input = info.inputs[0];
  for (const auto& p : info.outputs) m->runner.output_names.push_back(p.name);
  BackendRunner* raw = m.get();
  m->runner.infer = [raw](const Tensor& batch_tensor) {
    backends::TensorMap in{{raw->input.name, batch_tensor}};
    backends::TensorMap out = raw->backend->infer(in);
    std::vector<Tensor> outs;
    for (const auto& name : raw->runner.output_names) {
      auto it = out.find(name);
      if (it == out.end()) fail("backend returned no output '{}'", name);
      outs.push_back(it->second);
    }
    return outs;
  };
  return m;
}

std::unique_ptr<BackendRunner> open_native_runner(const std::string& model, Engine engine,
                                                  int batch) {
  backends::BackendOptions o;
  o.model = model;
  o.engine = engine;
  o.streams = 1;
  o.pin = false;
  o.async = false;
  return open_backend_runner("native", o, batch);
}

}  // namespace inferlab::bench
