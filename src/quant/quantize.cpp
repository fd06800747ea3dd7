// Orchestration: find the layers, calibrate once, build the plan, measure each layer's output
// error against FP32 on the calibration data and, with an error target, keep the layers that add
// the most error in f32 one at a time until the target is met.
#include "quant/quantize.h"

#include <algorithm>
#include <cmath>

#include "quant/plan.h"

namespace inferlab::quant {

CalibrationMethod calibration_method_from_name(std::string_view name) {
  if (name == "minmax") return CalibrationMethod::minmax;
  if (name == "percentile") return CalibrationMethod::percentile;
  if (name == "entropy") return CalibrationMethod::entropy;
  fail("unknown calibration method '{}' (minmax, percentile, entropy)", name);
}

std::string_view calibration_method_name(CalibrationMethod m) {
  switch (m) {
    case CalibrationMethod::minmax:
      return "minmax";
    case CalibrationMethod::percentile:
      return "percentile";
    case CalibrationMethod::entropy:
      return "entropy";
  }
  return "?";
}

namespace {

struct ErrorSums {
  double diff2 = 0, ref2 = 0;
  double rel() const { return ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2); }
};

// Relative L2 errors of `pairs` (fp32 tensor, tensor of the quantized graph) over the samples.
std::vector<double> measure(const Graph& fp32, const Graph& qg,
                            const std::vector<std::pair<std::string, std::string>>& pairs,
                            const std::vector<Tensor>& inputs, const QuantizeOptions& o) {
  std::vector<std::string> fn, qn;
  for (const auto& [f, q] : pairs) {
    fn.push_back(f);
    qn.push_back(q);
  }
  std::vector<std::vector<Tensor>> ref;
  run_with_outputs(fp32, fn, inputs, o.error_samples, o.engine,
                   [&](std::size_t, const std::vector<Tensor>& t) {
                     std::vector<Tensor> c;
                     for (const auto& x : t) c.push_back(x.clone());
                     ref.push_back(std::move(c));
                   });
  std::vector<ErrorSums> sums(pairs.size());
  run_with_outputs(qg, qn, inputs, o.error_samples, o.engine,
                   [&](std::size_t i, const std::vector<Tensor>& t) {
                     for (std::size_t k = 0; k < t.size(); ++k) {
                       const float *a = t[k].data<float>(), *r = ref[i][k].data<float>();
                       for (std::int64_t e = 0; e < t[k].numel(); ++e) {
                         sums[k].diff2 += (double(a[e]) - r[e]) * (double(a[e]) - r[e]);
                         sums[k].ref2 += double(r[e]) * r[e];
                       }
                     }
                   });
  std::vector<double> out;
  for (const auto& s : sums) out.push_back(s.rel());
  return out;
}

// Builds the QDQ graph for `keep` and fills the per-layer report and the output error.
void evaluate(const Graph& g, const std::vector<Layer>& layers, const std::set<std::string>& keep,
              const std::map<std::string, TensorStats>& stats, const std::vector<Tensor>& inputs,
              const QuantizeOptions& o, const std::map<std::string, std::string>& unfolded,
              QuantizeResult& r) {
  r.plan = make_plan(g, layers, keep, stats, o);
  for (auto& w : r.plan.weights)
    if (auto it = unfolded.find(w.node_output); it != unfolded.end())
      w.unfolded_output = it->second;
  std::map<std::string, std::string> dq;
  r.graph = apply_plan_named(g, r.plan, &dq);
  auto q_name = [&](const std::string& t) { return dq.count(t) ? dq.at(t) : t; };
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& out : g.outputs) pairs.emplace_back(out, out);
  for (const auto& l : layers) {
    pairs.emplace_back(l.x, q_name(l.x));
    pairs.emplace_back(l.out, q_name(l.out));
  }
  const auto err = measure(g, *r.graph, pairs, inputs, o);
  r.output_error = 0;
  for (std::size_t k = 0; k < g.outputs.size(); ++k)
    r.output_error = std::max(r.output_error, err[k]);
  r.layers.clear();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    LayerReport rep;
    rep.node = layers[i].name;
    rep.op_type = layers[i].op_type;
    rep.quantized = !keep.count(layers[i].name);
    rep.output = layers[i].out;
    for (const auto& a : r.plan.activations)
      if (a.tensor == layers[i].out) rep.out = a;
    const double ex = err[g.outputs.size() + 2 * i], eo = err[g.outputs.size() + 2 * i + 1];
    rep.rel_error = eo;
    rep.added_error = eo - ex;
    r.layers.push_back(rep);
  }
}

}  // namespace

QuantizeResult quantize(const Graph& original, const std::vector<Tensor>& calibration,
                        const QuantizeOptions& o) {
  if (calibration.empty()) fail("quantization needs calibration inputs, none were given");
  // Everything below (calibration, plan, error reference) sees the BN-folded model.
  const FoldedModel folded = fold_batchnorm_for_quantization(original);
  const Graph& fp32 = *folded.graph;
  const auto layers = find_layers(fp32);
  if (layers.empty())
    fail("the model has no Conv, Gemm or MatMul with constant weights to quantize");
  std::set<std::string> keep;
  for (const auto& name : o.keep_fp32) {
    const bool layer =
        std::any_of(layers.begin(), layers.end(), [&](const Layer& l) { return l.name == name; });
    if (layer) {
      keep.insert(name);
      continue;
    }
    const bool node = std::any_of(original.nodes.begin(), original.nodes.end(),
                                  [&](const Node& n) { return n.name == name; });
    if (node)
      fail(
          "--keep-fp32: node '{}' is not a quantizable layer (Conv, Gemm or MatMul with constant "
          "weights)",
          name);
    fail("--keep-fp32: the model has no node named '{}'", name);
  }
  QuantizeResult r;
  const std::size_t per_run = images_per_run(fp32, calibration);
  r.calibration_samples = calibration.size() / per_run * per_run;
  const std::size_t error_runs = std::max<std::size_t>(1, o.error_samples / per_run);
  r.error_samples = std::min(error_runs, calibration.size() / per_run) * per_run;
  const auto stats = collect_stats(fp32, calibration_points(fp32, layers), calibration, o);
  evaluate(fp32, layers, keep, stats, calibration, o, folded.unfolded_output, r);
  while (o.error_target > 0 && r.output_error > o.error_target &&
         static_cast<int>(r.auto_kept.size()) < o.max_auto_kept) {
    const LayerReport* worst = nullptr;
    for (const auto& l : r.layers)
      if (l.quantized && (!worst || l.added_error > worst->added_error)) worst = &l;
    if (!worst) break;
    r.auto_kept.push_back(worst->node);
    keep.insert(worst->node);
    evaluate(fp32, layers, keep, stats, calibration, o, folded.unfolded_output, r);
    r.auto_errors.push_back(r.output_error);
  }
  r.kept_fp32.assign(keep.begin(), keep.end());
  return r;
}

std::shared_ptr<Graph> quantize_model(const Graph& fp32, const std::vector<Tensor>& calibration,
                                      const QuantizeOptions& options) {
  return quantize(fp32, calibration, options).graph;
}

}  // namespace inferlab::quant
