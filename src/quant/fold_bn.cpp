// BatchNormalization folded into the preceding Conv / Gemm before anything is quantized, so that
// the weights are quantized with the BN scale in them and the written QDQ file has
// DQ -> Conv -> Q with nothing in between: the pattern ONNX Runtime's and OpenVINO's QDQ
// transformers turn into integer convolutions (a BN between Conv and Q makes ONNX Runtime run
// the convolution in float).
#include "passes/passes.h"
#include "quant/plan.h"

namespace inferlab::quant {

FoldedModel fold_batchnorm_for_quantization(const Graph& fp32) {
  FoldedModel f;
  f.graph = std::make_shared<Graph>(fp32);
  Graph& g = *f.graph;
  std::map<std::string, std::string> before;  // BN output -> output of the node before it
  for (const Node& bn : g.nodes) {
    if (bn.op_type != "BatchNormalization" || !bn.has_input(0) || bn.outputs.empty()) continue;
    const std::ptrdiff_t p = g.producer(bn.inputs[0]);
    if (p >= 0) before[bn.outputs[0]] = bn.inputs[0];
  }
  if (before.empty() || fold_batchnorm(g) == 0) return f;
  for (const auto& [bn_out, prod_out] : before) {
    const std::ptrdiff_t p = g.producer(bn_out);
    if (p < 0) continue;
    const std::string& op = g.nodes[static_cast<std::size_t>(p)].op_type;
    if (op == "Conv" || op == "Gemm") f.unfolded_output[bn_out] = prod_out;
  }
  return f;
}

}  // namespace inferlab::quant
