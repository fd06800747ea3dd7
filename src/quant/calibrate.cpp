#include "quant/calibrate.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "inferlab/inferlab.h"
#include "runtime/model_graph.h"

namespace inferlab::quant {
namespace {

// Calibration tensors hold one image each. A model whose batch is fixed to B > 1 (a zoo model
// written with --batch 8, an export without a symbolic batch) takes them B at a time; the
// images left over after the last full batch are not used.
std::vector<Tensor> batch_inputs(const Graph& g, const std::vector<Tensor>& inputs) {
  const std::size_t b = images_per_run(g, inputs);
  if (b == 1) return inputs;
  const Shape& one = inputs[0].shape();
  if (inputs.size() < b)
    fail(
        "input '{}' has its batch fixed to {} in the model: calibration needs at least {} "
        "images, it has {}",
        g.inputs[0], b, b, inputs.size());
  Shape shape = one;
  shape[0] = static_cast<std::int64_t>(b);
  std::vector<Tensor> out;
  for (std::size_t i = 0; i + b <= inputs.size(); i += b) {
    Tensor t(inputs[i].dtype(), shape);
    auto* dst = static_cast<unsigned char*>(t.raw());
    for (std::size_t k = 0; k < b; ++k) {
      const Tensor& x = inputs[i + k];
      if (x.shape() != one) fail("calibration images {} and {} differ in shape", i, i + k);
      std::memcpy(dst + k * x.nbytes(), x.raw(), x.nbytes());
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

std::size_t images_per_run(const Graph& g, const std::vector<Tensor>& inputs) {
  if (inputs.empty()) return 1;
  const Shape& s = g.value(g.inputs.at(0)).shape;
  const Shape& one = inputs[0].shape();
  return !s.empty() && s[0] > 1 && !one.empty() && one[0] == 1 ? static_cast<std::size_t>(s[0]) : 1;
}

void run_with_outputs(const Graph& g, const std::vector<std::string>& tensors,
                      const std::vector<Tensor>& inputs, std::size_t limit, Engine engine,
                      const std::function<void(std::size_t, const std::vector<Tensor>&)>& f) {
  if (inputs.empty()) fail("no calibration inputs");
  if (g.inputs.size() != 1)
    fail("quantization takes single-input models; this one has {} inputs", g.inputs.size());
  const std::vector<Tensor> batches = batch_inputs(g, inputs);
  const std::size_t per_batch = images_per_run(g, inputs);
  if (per_batch > 1 && limit) limit = std::max<std::size_t>(1, limit / per_batch);
  auto copy = std::make_shared<Graph>(g);
  for (const auto& t : tensors)
    if (!copy->is_graph_output(t)) copy->outputs.push_back(t);
  CompileOptions co;
  co.engine = engine;
  co.streams = 1;
  co.pin = false;
  co.shapes[g.inputs[0]] = batches[0].shape();
  Core core;
  CompiledModel cm = core.compile_model(wrap_graph(copy), co);
  InferRequest req = cm.create_infer_request();
  const std::size_t n = limit ? std::min(limit, batches.size()) : batches.size();
  std::vector<Tensor> outs(tensors.size());
  for (std::size_t i = 0; i < n; ++i) {
    req.set_tensor(g.inputs[0], batches[i]);
    req.infer();
    for (std::size_t k = 0; k < tensors.size(); ++k) outs[k] = req.get_tensor(tensors[k]);
    f(i, outs);
  }
}

std::map<std::string, TensorStats> collect_stats(const Graph& g,
                                                 const std::vector<std::string>& tensors,
                                                 const std::vector<Tensor>& inputs,
                                                 const QuantizeOptions& o) {
  std::map<std::string, TensorStats> stats;
  run_with_outputs(g, tensors, inputs, 0, o.engine, [&](std::size_t, const std::vector<Tensor>& t) {
    for (std::size_t k = 0; k < tensors.size(); ++k) {
      TensorStats& s = stats[tensors[k]];
      const float* x = t[k].data<float>();
      for (std::int64_t i = 0; i < t[k].numel(); ++i) {
        if (!std::isfinite(x[i])) continue;  // a NaN/inf activation must not set the scale
        s.lo = std::min(s.lo, x[i]);
        s.hi = std::max(s.hi, x[i]);
      }
    }
  });
  if (o.method == CalibrationMethod::minmax) return stats;
  // Second pass: |x| histograms over the now known ranges.
  run_with_outputs(g, tensors, inputs, 0, o.engine, [&](std::size_t, const std::vector<Tensor>& t) {
    for (std::size_t k = 0; k < tensors.size(); ++k) {
      TensorStats& s = stats[tensors[k]];
      const float amax = std::max(-s.lo, s.hi);
      if (s.hist.empty()) s.hist.assign(kHistogramBins, 0.0);
      if (!(amax > 0.f)) continue;
      const float* x = t[k].data<float>();
      for (std::int64_t i = 0; i < t[k].numel(); ++i) {
        if (!std::isfinite(x[i])) continue;  // the range pass ignored them too
        const int b = static_cast<int>(std::min(std::fabs(x[i]), amax) / amax * kHistogramBins);
        s.hist[static_cast<std::size_t>(std::min(b, kHistogramBins - 1))] += 1;
      }
    }
  });
  return stats;
}

namespace {

float percentile_threshold(const TensorStats& s, double pct, float width) {
  double total = 0;
  for (double c : s.hist) total += c;
  double acc = 0;
  for (std::size_t b = 0; b < s.hist.size(); ++b) {
    acc += s.hist[b];
    if (acc >= total * pct / 100.0) return static_cast<float>(b + 1) * width;
  }
  return static_cast<float>(s.hist.size()) * width;
}

// KL divergence between the clipped distribution P (first i bins, outliers folded into the last)
// and its quantization Q to `levels` levels (TensorRT's entropy calibration).
double kl_for(const std::vector<double>& h, std::size_t i, int levels) {
  std::vector<double> p(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(i));
  for (std::size_t k = i; k < h.size(); ++k) p[i - 1] += h[k];
  std::vector<double> q(i, 0.0);
  const double merged = static_cast<double>(i) / levels;
  for (int j = 0; j < levels; ++j) {
    const auto start = static_cast<std::size_t>(j * merged);
    const auto end = j == levels - 1 ? i : static_cast<std::size_t>((j + 1) * merged);
    double sum = 0;
    int nonzero = 0;
    for (std::size_t k = start; k < end; ++k) {
      sum += h[k];
      nonzero += h[k] != 0;
    }
    for (std::size_t k = start; k < end; ++k)
      if (h[k] != 0) q[k] = sum / nonzero;
  }
  double ps = 0, qs = 0;
  for (std::size_t k = 0; k < i; ++k) {
    ps += p[k];
    qs += q[k];
  }
  if (ps == 0 || qs == 0) return std::numeric_limits<double>::infinity();
  double kl = 0;
  for (std::size_t k = 0; k < i; ++k) {
    if (p[k] == 0) continue;
    const double pk = p[k] / ps, qk = q[k] > 0 ? q[k] / qs : 1e-12;
    kl += pk * std::log(pk / qk);
  }
  return kl;
}

}  // namespace

float threshold(const TensorStats& s, const QuantizeOptions& o, int levels) {
  const float amax = levels == 255 ? s.hi : std::max(-s.lo, s.hi);
  if (o.method == CalibrationMethod::minmax || s.hist.empty() || !(amax > 0.f)) return amax;
  const float full = std::max(-s.lo, s.hi);  // the histogram spans |x| up to this
  const float width = full / kHistogramBins;
  if (o.method == CalibrationMethod::percentile)
    return std::min(amax, percentile_threshold(s, o.percentile, width));
  // The first bin holds the exact zeros a Relu produces; they are represented exactly at any
  // threshold, and left in, their mass makes the divergence favour far too low thresholds.
  std::vector<double> h = s.hist;
  h[0] = 0;
  std::size_t best = h.size();
  double best_kl = std::numeric_limits<double>::infinity();
  for (std::size_t i = static_cast<std::size_t>(levels); i <= h.size(); ++i) {
    const double kl = kl_for(h, i, levels);
    if (kl < best_kl) {
      best_kl = kl;
      best = i;
    }
  }
  return std::min(amax, (static_cast<float>(best) + 0.5f) * width);
}

}  // namespace inferlab::quant
