// `inferlab quantize` as a library call (include/inferlab/lab/quantize.h): calibration images
// through the data pipeline, src/quant's plan, the QDQ ONNX file.
#include <algorithm>

#include "data/calibration.h"
#include "frontends/model_file.h"
#include "inferlab/lab/quantize.h"
#include "quant/qdq_onnx.h"

namespace inferlab::data {

QuantizeFileResult quantize_file(const QuantizeFileOptions& o, const CalibrationChosen& chosen) {
  if (o.preset.empty() && o.preprocess.empty())
    fail("say how to preprocess the calibration images: --preset or --preprocess FILE");
  const auto graph = read_model_file(o.model);
  if (graph->inputs.size() != 1)
    fail("{}: the model has {} runtime inputs, quantize takes single-input image models", o.model,
         graph->inputs.size());
  const Value& in = graph->value(graph->inputs[0]);
  const PreprocessConfig pre =
      o.preprocess.empty() ? preset(o.preset) : load_preprocess_config(o.preprocess);
  const auto cal = load_calibration(o.dataset, pre, {in.name, in.dtype, in.shape}, o.samples);
  if (chosen) chosen(describe_calibration(cal), cal.names);
  const auto r = quant::quantize(*graph, cal.inputs, o.quantize);
  quant::write_qdq_onnx(o.model, r.plan, o.output, quant::ranks_of(*graph, cal.inputs[0].shape()));
  QuantizeFileResult out;
  out.layers = r.layers;
  out.kept_fp32 = r.kept_fp32;
  out.auto_kept = r.auto_kept;
  out.auto_errors = r.auto_errors;
  out.output_error = r.output_error;
  out.error_samples = r.error_samples;
  out.calibration_images = r.calibration_samples;
  out.images_loaded = cal.inputs.size();
  return out;
}

}  // namespace inferlab::data
