// 1x1 Conv -> 3x3 depthwise Conv (MobileNetV2's inverted residual: expand, then depthwise)
// becomes one Conv node with a `depthwise` post-op, which oneDNN runs as one primitive (post-op
// `append_dw`): the expanded, 6x wider tensor is consumed tile by tile in cache instead of being
// written to memory and read back. Each conv's own fused activations stay in place around it:
// post_ops = [expand's (e.g. clip), depthwise, depthwise's (e.g. clip)].
//
// Whether the fusion pays depends on the primitive oneDNN 2.6 picks, so the caller decides
// (`accept`): the optimized engine accepts only a fused primitive that oneDNN implements as such
// (not its generic `ref_fused_convolution`, which runs the two convs one after the other through
// an intermediate buffer and measured 1-5% slower, docs/engine.md).
#include <algorithm>
#include <functional>
#include <optional>

#include "ops/spatial.h"
#include "passes/pass_util.h"
#include "passes/passes.h"

namespace inferlab {
namespace {

bool eltwise_only(const Node& n) {
  for (const PostOp& p : n.post_ops)
    if (p.kind == PostOpKind::sum || p.kind == PostOpKind::depthwise) return false;
  return true;
}

// A plain f32 2-D Conv of the default domain with constant weights (and bias, when present),
// no residual operand, only eltwise post-ops; its window when so.
std::optional<ops::Window> plain_conv(const Graph& g, const Node& n) {
  if (n.op_type != "Conv" || (!n.domain.empty() && n.domain != "ai.onnx")) return std::nullopt;
  if (!n.has_input(0) || !n.has_input(1) || n.inputs.size() > 3 || n.outputs.size() != 1)
    return std::nullopt;
  if (!eltwise_only(n) || !passes::constant_of(g, n.inputs[1])) return std::nullopt;
  if (n.has_input(2) && !passes::constant_of(g, n.inputs[2])) return std::nullopt;
  const Value& x = g.value(n.inputs[0]);
  const Shape& w = g.value(n.inputs[1]).shape;
  if (x.dtype != DType::f32 || x.shape.size() != 4 || w.size() != 4) return std::nullopt;
  return ops::make_window(n, ops::spatial(x.shape), ops::spatial(w));
}

bool all_equal(const std::vector<std::int64_t>& v, std::int64_t e) {
  for (auto x : v)
    if (x != e) return false;
  return true;
}

// The fused node for expand `a` followed by depthwise `b`, when the pair qualifies.
std::optional<Node> fused_pair(const Graph& g, const Node& a, const Node& b) {
  const auto wa = plain_conv(g, a);
  const auto wb = plain_conv(g, b);
  if (!wa || !wb || a.attrs.get_int("group", 1) != 1) return std::nullopt;
  if (!all_equal(wa->kernel, 1) || !all_equal(wa->strides, 1) || !all_equal(wa->dilations, 1) ||
      !all_equal(wa->pad_begin, 0) || !all_equal(wa->pad_end, 0))
    return std::nullopt;
  // Depthwise: one input channel per group, as many groups as channels, 3x3, pads 1 (what
  // oneDNN's fused depthwise post-op computes), stride 1 or 2 in both dimensions.
  const Shape& w = g.value(b.inputs[1]).shape;
  const std::int64_t c = g.value(b.inputs[0]).shape[1];
  if (b.attrs.get_int("group", 1) != c || w[0] != c || w[1] != 1) return std::nullopt;
  const std::int64_t s = wb->strides[0];
  if (!all_equal(wb->kernel, 3) || !all_equal(wb->dilations, 1) || !all_equal(wb->strides, s) ||
      (s != 1 && s != 2) || !all_equal(wb->pad_begin, 1))
    return std::nullopt;
  const Shape& y = g.value(b.outputs[0]).shape;
  const Shape& x = g.value(b.inputs[0]).shape;
  for (int i = 0; i < 2; ++i)
    if (y[2 + i] != (x[2 + i] + 2 - 3) / s + 1) return std::nullopt;
  Node f = a;
  f.inputs.resize(6);
  f.inputs[3].clear();
  f.inputs[4] = b.inputs[1];
  f.inputs[5] = b.has_input(2) ? b.inputs[2] : std::string();
  f.post_ops.push_back({PostOpKind::depthwise, 0.f, 0.f, static_cast<int>(s)});
  f.post_ops.insert(f.post_ops.end(), b.post_ops.begin(), b.post_ops.end());
  f.outputs = b.outputs;
  passes::record_fusion(f, b);
  return f;
}

}  // namespace

int fuse_depthwise(Graph& g, const std::function<bool(const Graph&, const Node&)>& accept) {
  int fused = 0;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    const Node& a = g.nodes[k];
    if (a.op_type != "Conv" || a.outputs.size() != 1) continue;
    const std::ptrdiff_t j = passes::sole_consumer(g, a.outputs[0]);
    if (j < 0 || g.nodes[j].inputs[0] != a.outputs[0]) continue;
    std::optional<Node> f = fused_pair(g, a, g.nodes[j]);
    if (!f) continue;
    // oneDNN wants a bias for the depthwise part: zeros when the model has none.
    std::string zero_bias;
    if (f->inputs[5].empty()) {
      const std::int64_t c = g.value(a.outputs[0]).shape[1];
      Tensor zero(DType::f32, {c});
      std::fill_n(zero.data<float>(), c, 0.f);
      zero_bias = passes::add_constant(g, g.nodes[j].name + "_dw_bias", std::move(zero));
      f->inputs[5] = zero_bias;
    }
    if (!accept(g, *f)) {
      if (!zero_bias.empty()) g.remove_value(zero_bias);
      continue;
    }
    const std::string mid = a.outputs[0];
    g.nodes[k] = std::move(*f);
    g.nodes.erase(g.nodes.begin() + j);
    g.remove_value(mid);
    if (j < static_cast<std::ptrdiff_t>(k)) --k;
    ++fused;
  }
  return fused;
}

}  // namespace inferlab
