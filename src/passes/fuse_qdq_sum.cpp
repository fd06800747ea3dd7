// QLinearConv -> QLinearAdd -> one inferlab.QLinearConvSum (ops/qlinear_conv_sum.cpp): the
// residual Add of a quantized ResNet as the int8 convolution's oneDNN `sum` post-op, so the add
// is no step of its own and both operands stay int8. Runs after shape inference (fuse_qdq runs
// before it), since the sum post-op needs operands of the output's exact shape. The fused node
// keeps the conv's saturation to its own 8-bit output range but rounds once where the pair
// rounded twice: its outputs are within one quantum of the pair's.
#include "ops/registry.h"
#include "passes/pass_util.h"
#include "passes/passes.h"

namespace inferlab {
namespace {

using passes::record_fusion;
using passes::sole_consumer;

// QLinearConv -> QLinearAdd, the conv's output read by the add alone: one
// inferlab.QLinearConvSum (ops/qlinear_conv_sum.cpp) that adds the other operand S as oneDNN's
// int8 `sum` post-op, so the residual Add of a quantized ResNet is no step of its own. Of two
// such convs, the later one takes the add (the other operand is then already computed).
bool fuse_conv_sum(Graph& g, std::size_t ai) {
  const Node& add = g.nodes[ai];
  if (add.op_type != "QLinearAdd" || add.domain != "com.microsoft" || add.inputs.size() != 8 ||
      add.outputs.size() != 1)
    return false;
  for (std::size_t i : {1u, 4u, 5u, 6u, 7u})  // the sum operand's and C's parameters are given
    if (!add.has_input(i)) return false;
  const Value& y = g.value(add.outputs[0]);
  if (!y.known) return false;
  std::ptrdiff_t best = -1;
  std::size_t which = 0;
  for (std::size_t k = 0; k < 2; ++k) {
    const std::string& a = add.inputs[3 * k];
    const std::ptrdiff_t p = g.producer(a);
    if (p < 0 || p <= best || !add.has_input(3 * (1 - k) + 2)) continue;
    const Node& c = g.nodes[static_cast<std::size_t>(p)];
    if (c.op_type != "QLinearConv" || !c.domain.empty() || g.is_graph_output(a) ||
        sole_consumer(g, a) != static_cast<std::ptrdiff_t>(ai))
      continue;
    const Value &av = g.value(a), &sv = g.value(add.inputs[3 * (1 - k)]);
    if (!av.known || !sv.known || av.shape != y.shape || sv.shape != y.shape) continue;
    best = p;
    which = k;
  }
  if (best < 0) return false;
  Node& conv = g.nodes[static_cast<std::size_t>(best)];
  const std::size_t o = 3 * (1 - which);
  std::vector<std::string> in(conv.inputs.begin(), conv.inputs.begin() + 6);
  // The fused op always has a bias (zeros when the conv had none), so its inputs are all named.
  std::string bias = conv.has_input(8) ? conv.inputs[8] : "";
  if (bias.empty()) {
    const Value& w = g.value(conv.inputs[3]);
    if (!w.known || w.shape.empty()) return false;
    bias = passes::add_constant(g, conv.name + "_bias_s32", Tensor(DType::i32, {w.shape[0]}));
  }
  if (!conv.has_input(7)) return false;  // the conv's own output type sets its saturation
  in.insert(in.end(), {add.inputs[6], add.inputs[7], bias, add.inputs[o], add.inputs[o + 1],
                       add.inputs[o + 2], conv.inputs[6], conv.inputs[7]});
  const std::string old = conv.outputs[0];
  conv.inputs = std::move(in);
  conv.op_type = "QLinearConvSum";
  conv.domain = "inferlab";
  conv.opset = 1;
  conv.outputs = add.outputs;
  record_fusion(conv, add);
  g.nodes[ai].outputs = {};  // absorbed: removed by the caller
  g.nodes[ai].inputs.clear();
  g.remove_value(old);
  infer_node(g, conv);  // checks the fused node as a whole
  return true;
}

}  // namespace

int fuse_qdq_sum(Graph& g) {
  int fused = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) fused += fuse_conv_sum(g, i);
  if (fused) {
    std::erase_if(g.nodes, [](const Node& n) { return n.outputs.empty(); });
    g.topo_sort();
  }
  return fused;
}

}  // namespace inferlab
