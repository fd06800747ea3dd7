// Conv/Gemm + activation fusion: the activation becomes a post-op of the producer (oneDNN
// eltwise post-op), so the activation costs no extra pass over memory.
#include <limits>

#include "passes/pass_util.h"
#include "passes/passes.h"

namespace inferlab {
namespace {

// The post-op an activation node stands for; false when it cannot be expressed as one.
bool as_post_op(const Graph& g, const Node& n, PostOp& p) {
  if (n.op_type == "Relu") {
    p = {PostOpKind::relu, 0.f, 0.f};
  } else if (n.op_type == "LeakyRelu") {
    p = {PostOpKind::relu, n.attrs.get_float("alpha", 0.01f), 0.f};
  } else if (n.op_type == "Sigmoid") {
    p = {PostOpKind::sigmoid, 0.f, 0.f};
  } else if (n.op_type == "HardSwish") {
    p = {PostOpKind::hardswish, 0.f, 0.f};
  } else if (n.op_type == "Clip") {
    float lo = std::numeric_limits<float>::lowest(), hi = std::numeric_limits<float>::max();
    if (n.opset < 11) {
      lo = n.attrs.get_float("min", lo);
      hi = n.attrs.get_float("max", hi);
    } else {
      for (std::size_t i = 1; i < 3; ++i) {
        if (!n.has_input(i)) continue;
        const Tensor* t = passes::constant_of(g, n.inputs[i]);
        if (!t || t->dtype() != DType::f32 || t->numel() != 1) return false;
        (i == 1 ? lo : hi) = t->data<float>()[0];
      }
    }
    if (!(lo <= hi)) return false;  // min > max has its own semantics: leave it to the op
    p = {PostOpKind::clip, lo, hi};
  } else {
    return false;
  }
  return true;
}

}  // namespace

int fuse_activation(Graph& g) {
  int fused = 0;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& act = g.nodes[k];
    if (act.inputs.empty() || !act.has_input(0) || act.outputs.size() != 1) continue;
    PostOp post;
    if (!as_post_op(g, act, post)) continue;
    const std::ptrdiff_t p = g.producer(act.inputs[0]);
    if (p < 0 || passes::sole_consumer(g, act.inputs[0]) != static_cast<std::ptrdiff_t>(k))
      continue;
    Node& prod = g.nodes[p];
    if (prod.op_type != "Conv" && prod.op_type != "Gemm") continue;
    if (g.value(prod.outputs[0]).dtype != DType::f32) continue;
    prod.post_ops.push_back(post);
    const std::string old = prod.outputs[0];
    prod.outputs[0] = act.outputs[0];
    passes::record_fusion(prod, act);
    g.remove_value(old);
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(k));
    --k;
    ++fused;
  }
  return fused;
}

}  // namespace inferlab
