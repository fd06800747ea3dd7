// QDQ patterns -> integer operators (see passes.h, fuse_qdq). It runs before constant folding,
// which would otherwise turn DequantizeLinear of constant weights into f32 weights and hide the
// pattern. Every rewrite is exact or matches ONNX Runtime's QDQ transformer:
//   - Relu -> Q whose zero point is the type's minimum: the Relu is dropped, Q's saturation
//     already clamps at zero (ONNX Runtime's ReluQuantFusion);
//   - DQ -> MaxPool/Flatten/Reshape: the node runs on the quantized tensor and DQ moves after it
//     (max and reshapes commute with a per-tensor affine map of positive scale);
//   - Q(DQ(v)) with equal parameters: v;
//   - DQ(x), DQ(W const) [, bias] -> Conv [-> BatchNormalization] -> Q: QLinearConv, the BN
//     folded exactly into the per-channel weight scales (and signs), the bias quantized to s32
//     with the scale x_scale * w_scale[m];
//   - DQ(a), DQ(b) -> Add -> Q: QLinearAdd (com.microsoft; u8/s8 operands may differ);
//   - DQ(a), DQ(W const) [, bias] -> Gemm, float result: MatMulIntegerToFloat (com.microsoft);
// After shape inference, fuse_qdq_sum.cpp merges QLinearConv -> QLinearAdd.
// A pattern that does not match exactly stays as it is and runs in f32 (reported per layer).
#include <cmath>
#include <limits>

#include "ops/quant_util.h"
#include "passes/pass_util.h"
#include "passes/passes.h"

namespace inferlab {
namespace {

using passes::constant_of;
using passes::record_fusion;
using passes::sole_consumer;

const Node* producer_of(const Graph& g, const std::string& v, const char* op) {
  const std::ptrdiff_t p = g.producer(v);
  if (p < 0) return nullptr;
  const Node& n = g.nodes[static_cast<std::size_t>(p)];
  return n.op_type == op && n.domain.empty() ? &n : nullptr;
}

// Per-tensor quantization parameters of a Q/DQ node: scale (f32 scalar > 0) and a zero point
// of an 8-bit type, both constants.
struct PerTensor {
  float scale = 0;
  std::int32_t zp = 0;
  DType type = DType::u8;
};

std::optional<PerTensor> per_tensor(const Graph& g, const Node& n) {
  const Tensor *s = constant_of(g, n.input(1)), *z = constant_of(g, n.input(2));
  if (!s || !z || s->numel() != 1 || z->numel() != 1) return std::nullopt;
  if (z->dtype() != DType::u8 && z->dtype() != DType::i8) return std::nullopt;
  const float scale = ops::float_values(*s)[0];
  if (!(scale > 0) || !std::isfinite(scale)) return std::nullopt;
  return PerTensor{scale, ops::int_values(*z)[0], z->dtype()};
}

std::int32_t type_min(DType t) {
  return t == DType::u8 ? 0 : -128;
}

// The QuantizeLinear that is the sole reader of `v`, or -1.
std::ptrdiff_t sole_quantize(const Graph& g, const std::string& v) {
  const std::ptrdiff_t c = sole_consumer(g, v);
  if (c < 0) return -1;
  const Node& q = g.nodes[static_cast<std::size_t>(c)];
  return q.op_type == "QuantizeLinear" && q.domain.empty() && per_tensor(g, q) ? c : -1;
}

int drop_relu_before_quantize(Graph& g) {
  int n_fused = 0;
  for (Node& r : g.nodes) {
    if (r.op_type != "Relu" || !r.domain.empty() || r.outputs.size() != 1) continue;
    const std::ptrdiff_t qi = sole_quantize(g, r.outputs[0]);
    if (qi < 0) continue;
    Node& q = g.nodes[static_cast<std::size_t>(qi)];
    const auto p = per_tensor(g, q);
    if (p->zp != type_min(p->type)) continue;
    q.inputs[0] = r.inputs[0];
    record_fusion(q, r);
    r.inputs.clear();  // detached, removed at the end of fuse_qdq
    r.outputs.clear();
    ++n_fused;
  }
  return n_fused;
}

int move_dequantize_after_data_movement(Graph& g) {
  int moved = 0;
  const std::size_t count = g.nodes.size();
  for (std::size_t i = 0; i < count; ++i) {
    Node& x = g.nodes[i];
    const bool movable = x.op_type == "MaxPool" || x.op_type == "Flatten" ||
                         x.op_type == "Reshape" || x.op_type == "GlobalMaxPool";
    if (!movable || !x.domain.empty() || x.outputs.size() != 1 || x.inputs.empty()) continue;
    const Node* dq = producer_of(g, x.inputs[0], "DequantizeLinear");
    if (!dq || !per_tensor(g, *dq)) continue;
    Node moved_dq = *dq;
    const std::string q_out = passes::fresh_name(g, x.outputs[0] + "_quantized");
    g.add_value(q_out);
    x.inputs[0] = dq->inputs[0];
    moved_dq.name = passes::fresh_name(g, x.name + "_DequantizeLinear");
    moved_dq.fused_from = {moved_dq.name};
    moved_dq.inputs[0] = q_out;
    moved_dq.outputs = {x.outputs[0]};
    x.outputs[0] = q_out;
    g.nodes.push_back(std::move(moved_dq));  // may reallocate: `x` and `dq` are not used after
    ++moved;
  }
  return moved;
}

// Q(DQ(v)) with the same scale, zero point and type is v: readers of the Q read v (the pair
// appears once DequantizeLinear moved after a MaxPool whose output was quantized again).
int remove_requantize(Graph& g) {
  int removed = 0;
  for (Node& q : g.nodes) {
    if (q.op_type != "QuantizeLinear" || !q.domain.empty() || q.outputs.size() != 1) continue;
    if (g.is_graph_output(q.outputs[0])) continue;
    const Node* dq = producer_of(g, q.inputs[0], "DequantizeLinear");
    if (!dq) continue;
    const auto a = per_tensor(g, q), b = per_tensor(g, *dq);
    if (!a || !b || a->scale != b->scale || a->zp != b->zp || a->type != b->type) continue;
    const std::string from = q.outputs[0], to = dq->inputs[0];
    for (Node& n : g.nodes)
      for (auto& in : n.inputs)
        if (in == from) in = to;
    ++removed;
  }
  return removed;
}

// Weight DQ: constant s8 weights, constant scales per tensor or along axis 0, zero points 0.
bool weight_dq_ok(const Graph& g, const Node& dw) {
  const Tensor *w = constant_of(g, dw.input(0)), *s = constant_of(g, dw.input(1));
  if (!w || !s || w->dtype() != DType::i8 || w->shape().empty()) return false;
  if (dw.has_input(2)) {
    const Tensor* z = constant_of(g, dw.input(2));
    if (!z) return false;
    for (std::int32_t v : ops::int_values(*z))
      if (v != 0) return false;
  }
  const auto sv = ops::float_values(*s);
  for (float v : sv)
    if (!(v > 0) || !std::isfinite(v)) return false;
  if (sv.size() == 1) return true;
  const std::int64_t axis = dw.attrs.get_int("axis", 1);
  const auto rank = static_cast<std::int64_t>(w->shape().size());
  return (axis == 0 || axis == -rank) && static_cast<std::int64_t>(sv.size()) == w->shape()[0];
}

// The float values of a bias: an f32 constant, or DequantizeLinear of a constant.
std::optional<std::vector<float>> bias_values(const Graph& g, const std::string& b) {
  std::vector<float> fb;
  if (const Tensor* t = constant_of(g, b); t && t->dtype() == DType::f32)
    return ops::float_values(*t);
  const Node* dq = producer_of(g, b, "DequantizeLinear");
  if (!dq) return std::nullopt;
  const Tensor *q = constant_of(g, dq->input(0)), *s = constant_of(g, dq->input(1));
  const Tensor* z = dq->has_input(2) ? constant_of(g, dq->input(2)) : nullptr;
  if (!q || !s || (dq->has_input(2) && !z)) return std::nullopt;
  const auto qv = ops::int_values(*q);
  const auto sv = ops::float_values(*s);
  const auto zv = z ? ops::int_values(*z) : std::vector<std::int32_t>(sv.size(), 0);
  if (sv.size() != 1 && sv.size() != qv.size()) return std::nullopt;
  for (std::size_t m = 0; m < qv.size(); ++m) {
    const std::size_t k = sv.size() == 1 ? 0 : m;
    fb.push_back(static_cast<float>(qv[m] - zv.at(k)) * sv[k]);
  }
  return fb;
}

// A float bias as s32 with the scale x_scale * w_scale[m] (the accumulator's scale).
std::optional<Tensor> quantized_bias(const std::vector<float>& fb, float x_scale,
                                     const std::vector<float>& w_scale) {
  Tensor out(DType::i32, {static_cast<std::int64_t>(fb.size())});
  for (std::size_t m = 0; m < fb.size(); ++m) {
    const double s = static_cast<double>(x_scale) * w_scale[w_scale.size() == 1 ? 0 : m];
    const double v = std::nearbyint(static_cast<double>(fb[m]) / s);
    if (!(std::fabs(v) < 2147483647.0)) return std::nullopt;
    out.data<std::int32_t>()[m] = static_cast<std::int32_t>(v);
  }
  return out;
}

// A BatchNormalization with constant parameters between the Conv and its Q, folded exactly:
// per channel, f = gamma / sqrt(var + eps) multiplies the weight scale (|f|, the s8 weights of
// the channel negated when f < 0) and the bias becomes (b - mean) * f + beta.
struct FoldedBn {
  std::vector<float> factor, shift;
};

std::optional<FoldedBn> batchnorm_of(const Graph& g, const Node& bn, std::int64_t m_count) {
  if (bn.inputs.size() != 5 || bn.outputs.size() != 1) return std::nullopt;
  std::vector<std::vector<float>> p;
  for (std::size_t i = 1; i < 5; ++i) {
    const Tensor* t = constant_of(g, bn.inputs[i]);
    if (!t || t->numel() != m_count) return std::nullopt;
    p.push_back(ops::float_values(*t));
  }
  const float eps = bn.attrs.get_float("epsilon", 1e-5f);
  FoldedBn f;
  for (std::size_t m = 0; m < p[0].size(); ++m) {
    const float k = p[0][m] / std::sqrt(p[3][m] + eps);
    if (!std::isfinite(k) || k == 0) return std::nullopt;
    f.factor.push_back(k);
    f.shift.push_back(p[1][m] - p[2][m] * k);
  }
  return f;
}

// Weights and scales of the QLinearConv: the DQ's own constants, or new ones with the
// BatchNormalization folded in. Returns false when a negated weight would overflow (-128).
bool fold_bn_into_weights(Graph& g, const std::string& conv, const FoldedBn& bn, std::string& w,
                          std::string& ws, std::vector<float>& w_scale) {
  Tensor q = *constant_of(g, w);
  const std::int64_t m_count = q.shape()[0], per = q.numel() / m_count;
  Tensor s(DType::f32, {m_count});
  for (std::int64_t m = 0; m < m_count; ++m) {
    const float k = bn.factor[static_cast<std::size_t>(m)];
    s.data<float>()[m] =
        w_scale[w_scale.size() == 1 ? 0 : static_cast<std::size_t>(m)] * std::fabs(k);
    if (k > 0) continue;
    for (std::int64_t i = m * per; i < (m + 1) * per; ++i) {
      std::int8_t& v = q.data<std::int8_t>()[i];
      if (v == -128) return false;
      v = static_cast<std::int8_t>(-v);
    }
  }
  w_scale = ops::float_values(s);
  w = passes::add_constant(g, conv + "_w_s8_bn", std::move(q));
  ws = passes::add_constant(g, conv + "_w_scale_bn", std::move(s));
  return true;
}

// The float bias of the Conv (zeros when absent) with the BatchNormalization applied.
std::optional<std::vector<float>> float_bias(const Graph& g, const Node& conv, std::int64_t m_count,
                                             const FoldedBn* bn) {
  std::vector<float> b(static_cast<std::size_t>(m_count), 0.f);
  if (conv.has_input(2)) {
    const auto v = bias_values(g, conv.inputs[2]);
    if (!v || static_cast<std::int64_t>(v->size()) != m_count) return std::nullopt;
    b = *v;
  }
  if (bn)
    for (std::size_t m = 0; m < b.size(); ++m) b[m] = b[m] * bn->factor[m] + bn->shift[m];
  return b;
}

bool fuse_conv(Graph& g, std::size_t ci) {
  const Node& conv = g.nodes[ci];
  if (conv.outputs.size() != 1 || !conv.has_input(0) || !conv.has_input(1)) return false;
  const Node* dx = producer_of(g, conv.inputs[0], "DequantizeLinear");
  const Node* dw = producer_of(g, conv.inputs[1], "DequantizeLinear");
  if (!dx || !dw || !per_tensor(g, *dx) || !weight_dq_ok(g, *dw)) return false;
  if (constant_of(g, dw->inputs[0])->shape().size() != 4) return false;
  const std::int64_t m_count = constant_of(g, dw->inputs[0])->shape()[0];
  std::string out = conv.outputs[0];
  std::optional<FoldedBn> bn;
  std::ptrdiff_t bn_index = -1;
  if (const std::ptrdiff_t c = sole_consumer(g, out); c >= 0) {
    const Node& b = g.nodes[static_cast<std::size_t>(c)];
    if (b.op_type == "BatchNormalization" && b.domain.empty()) {
      bn = batchnorm_of(g, b, m_count);
      if (!bn) return false;
      out = b.outputs[0];
      bn_index = c;
    }
  }
  const std::ptrdiff_t qi = sole_quantize(g, out);
  if (qi < 0) return false;
  const float x_scale = per_tensor(g, *dx)->scale;
  auto w_scale = ops::float_values(*constant_of(g, dw->inputs[1]));
  const auto fb = float_bias(g, conv, m_count, bn ? &*bn : nullptr);
  if (!fb) return false;
  std::string w = dw->inputs[0], ws = dw->inputs[1];
  const std::string wz = dw->input(2), conv_name = conv.name;
  if (bn && !fold_bn_into_weights(g, conv_name, *bn, w, ws, w_scale)) return false;
  std::optional<Tensor> bias;
  if (conv.has_input(2) || bn) {
    bias = quantized_bias(*fb, x_scale, w_scale);
    if (!bias) return false;
  }
  Node n;
  n.op_type = "QLinearConv";
  n.name = conv_name;
  n.opset = conv.opset;
  n.attrs = conv.attrs;
  const Node& q = g.nodes[static_cast<std::size_t>(qi)];
  n.inputs = {dx->inputs[0], dx->inputs[1], dx->inputs[2], w, ws, wz, q.inputs[1], q.inputs[2]};
  if (bias) n.inputs.push_back(passes::add_constant(g, conv_name + "_bias_s32", std::move(*bias)));
  n.outputs = q.outputs;
  n.fused_from = {conv_name};
  record_fusion(n, *dx);
  record_fusion(n, *dw);
  if (bn_index >= 0) record_fusion(n, g.nodes[static_cast<std::size_t>(bn_index)]);
  record_fusion(n, q);
  g.nodes[static_cast<std::size_t>(qi)].outputs = {};  // absorbed: removed below
  if (bn_index >= 0) g.nodes[static_cast<std::size_t>(bn_index)].outputs = {};
  g.nodes[ci] = std::move(n);
  return true;
}

bool fuse_add(Graph& g, std::size_t ai) {
  const Node& add = g.nodes[ai];
  if (add.inputs.size() != 2 || add.outputs.size() != 1) return false;
  const Node* da = producer_of(g, add.inputs[0], "DequantizeLinear");
  const Node* db = producer_of(g, add.inputs[1], "DequantizeLinear");
  if (!da || !db || !per_tensor(g, *da) || !per_tensor(g, *db)) return false;
  const std::ptrdiff_t qi = sole_quantize(g, add.outputs[0]);
  if (qi < 0) return false;
  const Node& q = g.nodes[static_cast<std::size_t>(qi)];
  Node n;
  n.op_type = "QLinearAdd";
  n.domain = "com.microsoft";
  n.name = add.name;
  n.opset = 1;
  n.inputs = {da->inputs[0], da->inputs[1], da->inputs[2], db->inputs[0],
              db->inputs[1], db->inputs[2], q.inputs[1],   q.inputs[2]};
  n.outputs = q.outputs;
  n.fused_from = {add.name};
  record_fusion(n, *da);
  record_fusion(n, *db);
  record_fusion(n, q);
  g.nodes[static_cast<std::size_t>(qi)].outputs = {};
  g.nodes[ai] = std::move(n);
  return true;
}

// DQ(A) -> Gemm (transA 0, alpha 1, beta 1) with DQ'd constant s8 weights, the result left
// in float (no QuantizeLinear after: a classifier's last layer): com.microsoft
// MatMulIntegerToFloat (ops/matmul_integer_to_float.cpp) with B = the weights as [K, N] and the
// float bias, so the product runs int8 and its weights take a quarter of the float bytes.
bool fuse_gemm(Graph& g, std::size_t gi) {
  const Node& gemm = g.nodes[gi];
  if (gemm.outputs.size() != 1 || !gemm.has_input(0) || !gemm.has_input(1)) return false;
  if (gemm.attrs.get_int("transA", 0) != 0 || gemm.attrs.get_float("alpha", 1.f) != 1.f ||
      gemm.attrs.get_float("beta", 1.f) != 1.f)
    return false;
  const Node* da = producer_of(g, gemm.inputs[0], "DequantizeLinear");
  const Node* dw = producer_of(g, gemm.inputs[1], "DequantizeLinear");
  if (!da || !dw || !per_tensor(g, *da) || !weight_dq_ok(g, *dw)) return false;
  const Tensor& w = *constant_of(g, dw->inputs[0]);
  const bool trans_b = gemm.attrs.get_int("transB", 0) != 0;
  const auto w_scale = ops::float_values(*constant_of(g, dw->inputs[1]));
  // Per-axis weight scales are along axis 0 (weight_dq_ok): N only when B is transposed.
  if (w.shape().size() != 2 || (!trans_b && w_scale.size() != 1)) return false;
  const std::int64_t N = w.shape()[trans_b ? 0 : 1], K = w.shape()[trans_b ? 1 : 0];
  std::optional<std::vector<float>> bias;
  if (gemm.has_input(2)) {
    bias = bias_values(g, gemm.inputs[2]);
    if (!bias || (bias->size() != 1 && static_cast<std::int64_t>(bias->size()) != N)) return false;
  }
  Tensor b(DType::i8, {K, N});
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t j = 0; j < N; ++j)
      b.data<std::int8_t>()[k * N + j] = w.data<std::int8_t>()[trans_b ? j * K + k : k * N + j];
  Node n;
  n.op_type = "MatMulIntegerToFloat";
  n.domain = "com.microsoft";
  n.name = gemm.name;
  n.opset = 1;
  n.inputs = {da->inputs[0], passes::add_constant(g, gemm.name + "_b_s8", std::move(b)),
              da->inputs[1], dw->inputs[1],
              da->inputs[2], ""};
  if (bias) {
    Tensor c(DType::f32, {N});
    for (std::int64_t j = 0; j < N; ++j)
      c.data<float>()[j] = (*bias)[bias->size() == 1 ? 0 : static_cast<std::size_t>(j)];
    n.inputs.push_back(passes::add_constant(g, gemm.name + "_bias_f32", std::move(c)));
  }
  n.outputs = gemm.outputs;
  n.fused_from = {gemm.name};
  record_fusion(n, *da);
  record_fusion(n, *dw);
  if (gemm.has_input(2))
    if (const Node* db = producer_of(g, gemm.inputs[2], "DequantizeLinear")) record_fusion(n, *db);
  g.nodes[gi] = std::move(n);
  return true;
}

}  // namespace

int fuse_qdq(Graph& g) {
  drop_relu_before_quantize(g);
  move_dequantize_after_data_movement(g);
  g.topo_sort();
  remove_requantize(g);
  int fused = 0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (!n.domain.empty()) continue;
    if (n.op_type == "Conv" && fuse_conv(g, i))
      ++fused;
    else if (n.op_type == "Add" && fuse_add(g, i))
      ++fused;
    else if (n.op_type == "Gemm" && fuse_gemm(g, i))
      ++fused;
  }
  // Nodes absorbed above (Relu, Q, BatchNormalization) lost their outputs; their readers now read
  // the fused node.
  std::erase_if(g.nodes, [](const Node& n) { return n.outputs.empty(); });
  g.topo_sort();
  return fused;
}

}  // namespace inferlab
