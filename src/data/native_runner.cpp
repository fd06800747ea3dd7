#include "data/native_runner.h"

#include "frontends/model_file.h"
#include "runtime/model_graph.h"

namespace inferlab::data {

std::unique_ptr<NativeModel> open_native_model(const std::string& path, const std::string& engine,
                                               int batch) {
  Core core;
  const auto graph = read_model_file(path);
  if (graph->inputs.size() != 1)
    fail("{}: the model has {} runtime inputs, accuracy takes single-input image models", path,
         graph->inputs.size());
  auto m = std::make_unique<NativeModel>();
  PortInfo& in = m->input;
  in.name = graph->inputs[0];
  in.dtype = graph->value(in.name).dtype;
  in.shape = graph->value(in.name).shape;
  if (in.shape.empty()) fail("{}: input '{}' has no shape", path, in.name);
  m->batch = in.shape[0] > 0 ? static_cast<int>(in.shape[0]) : batch;
  in.shape[0] = m->batch;
  CompileOptions co;
  co.engine = parse_engine(engine);
  co.batch = m->batch;
  co.streams = 1;
  co.pin = false;  // the decode workers share the cores
  m->compiled = core.compile_model(wrap_graph(graph), co);
  m->request = m->compiled.create_infer_request();
  for (const auto& p : m->compiled.outputs()) m->runner.output_names.push_back(p.name);
  NativeModel* raw = m.get();
  m->runner.infer = [raw](const Tensor& batch_tensor) {
    raw->request.set_tensor(raw->input.name, batch_tensor);
    raw->request.infer();
    std::vector<Tensor> outs;
    for (const auto& name : raw->runner.output_names)
      outs.push_back(raw->request.get_tensor(name).clone());
    return outs;
  };
  return m;
}

void fit_preprocess_to_input(PreprocessConfig& pre, const PortInfo& in) {
  if (in.shape.size() != 4)
    fail("input '{}' is {}: expected an image batch (4-d)", in.name, shape_str(in.shape));
  const bool nchw = pre.layout == Layout::nchw;
  const std::int64_t c = in.shape[nchw ? 1 : 3], h = in.shape[nchw ? 2 : 1],
                     w = in.shape[nchw ? 3 : 2];
  if (pre.width == 0 && w > 0 && h > 0) {
    pre.width = static_cast<int>(w);
    pre.height = static_cast<int>(h);
  }
  if ((c > 0 && c != pre.channels()) || (h > 0 && h != pre.height) || (w > 0 && w != pre.width))
    fail("input '{}' is {}, preprocessing '{}' produces {} channel(s) of {}x{} ({})", in.name,
         shape_str(in.shape), pre.name, pre.channels(), pre.width, pre.height,
         nchw ? "NCHW" : "NHWC");
  if (in.dtype != pre.dtype)
    fail("input '{}' takes {}, preprocessing '{}' produces {} (set \"dtype\")", in.name,
         dtype_name(in.dtype), pre.name, dtype_name(pre.dtype));
}

}  // namespace inferlab::data
