#pragma once
// Writes a quantization plan into a copy of the original ONNX file as standard QuantizeLinear /
// DequantizeLinear nodes (no custom ops), so ONNX Runtime, OpenVINO and inferlab run the same file.
#include <functional>
#include <string>

#include "quant/quantize.h"

namespace onnx {
class ModelProto;
}

namespace inferlab::quant {

// Rank of a tensor of the model (from shape inference), -1 when unknown.
using RankOf = std::function<int(const std::string&)>;
// Ranks from shape inference of `g` with its (single) input set to `input`.
RankOf ranks_of(const Graph& g, const Shape& input);

// Reads `src`, applies `plan`, and writes `out` through a temporary file renamed into place, so a
// failure never leaves a partial file. Models below opset 13 (per-axis DequantizeLinear needs it)
// are raised to 13 first; an operator whose meaning changed in between and that cannot be
// rewritten is an Unsupported error naming it.
void write_qdq_onnx(const std::string& src, const QuantPlan& plan, const std::string& out,
                    const RankOf& rank_of);

// Raises the default-domain opset of `m` to 13, rewriting the nodes whose signature changed
// (Unsqueeze/Squeeze/ReduceSum/Split attributes to inputs, Slice-1, Clip-6, Pad-2, Softmax).
void upgrade_to_opset13(onnx::ModelProto& m, const RankOf& rank_of);

}  // namespace inferlab::quant
