#pragma once
// Activation statistics over calibration data: observed ranges, |x| histograms, and the clipping
// threshold each calibration method derives from them.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "quant/quantize.h"

namespace inferlab::quant {

struct TensorStats {
  float lo = 0, hi = 0;      // min / max over every sample (0 included)
  std::vector<double> hist;  // counts of |x| over [0, max(|lo|, |hi|)], kHistogramBins bins
};
constexpr int kHistogramBins = 2048;

// Runs `g` on each calibration input (at most `limit`, 0: all) with `tensors` made graph outputs,
// handing f(run index, tensors in `tensors` order). Inputs hold one image each; a model whose
// batch is fixed to B > 1 runs them B at a time (the last images short of a full batch unused;
// `limit` then counts images, rounded down to whole batches, at least one).
// Images one run takes: the model's fixed batch B > 1 when the inputs hold one image each,
// else 1. Runs use floor(n / B) x B of n images.
std::size_t images_per_run(const Graph& g, const std::vector<Tensor>& inputs);
void run_with_outputs(const Graph& g, const std::vector<std::string>& tensors,
                      const std::vector<Tensor>& inputs, std::size_t limit, Engine engine,
                      const std::function<void(std::size_t, const std::vector<Tensor>&)>& f);

// Ranges (and, unless `method` is minmax, histograms: a second pass) of `tensors`.
std::map<std::string, TensorStats> collect_stats(const Graph& g,
                                                 const std::vector<std::string>& tensors,
                                                 const std::vector<Tensor>& inputs,
                                                 const QuantizeOptions& o);

// The clipping threshold for a tensor quantized to `levels` magnitude levels (127 for int8,
// 255 for uint8 after Relu).
float threshold(const TensorStats& s, const QuantizeOptions& o, int levels);

}  // namespace inferlab::quant
