// BatchNormalization folded into the preceding Conv or Gemm:
//   y = (conv(x) + b - mean) * a + shift, a = scale / sqrt(var + eps)
//     = conv_{W * a}(x) + (b - mean) * a + shift.
// New constants are created (the originals may be shared by other nodes).
#include <cmath>

#include "passes/pass_util.h"
#include "passes/passes.h"

namespace inferlab {
namespace {

using passes::constant_of;

// Per-output-channel scale and shift of a BatchNormalization with constant statistics.
bool bn_affine(const Graph& g, const Node& bn, std::vector<float>& a, std::vector<float>& s) {
  if (bn.inputs.size() != 5) return false;
  for (std::size_t i = 1; i < bn.outputs.size(); ++i)
    if (!bn.outputs[i].empty()) return false;
  const Tensor* t[4];
  for (int i = 0; i < 4; ++i) {
    t[i] = constant_of(g, bn.inputs[i + 1]);
    if (!t[i] || t[i]->dtype() != DType::f32) return false;
  }
  const float eps = bn.attrs.get_float("epsilon", 1e-5f);
  const std::int64_t C = t[0]->numel();
  a.resize(C);
  s.resize(C);
  for (std::int64_t c = 0; c < C; ++c) {
    a[c] = t[0]->data<float>()[c] / std::sqrt(t[3]->data<float>()[c] + eps);
    s[c] = t[1]->data<float>()[c] - t[2]->data<float>()[c] * a[c];
  }
  return true;
}

// Folds into a Conv: W[oc, ...] *= a[oc]; b' = b * a + s.
bool fold_into_conv(Graph& g, Node& p, const std::vector<float>& a, const std::vector<float>& s) {
  const Tensor* w = constant_of(g, p.input(1));
  if (!w || w->dtype() != DType::f32 || w->shape().empty()) return false;
  const std::int64_t M = w->shape()[0];
  if (M != static_cast<std::int64_t>(a.size())) return false;
  const Tensor* b = p.has_input(2) ? constant_of(g, p.inputs[2]) : nullptr;
  if (p.has_input(2) && (!b || b->numel() != M)) return false;
  Tensor nw = w->clone();
  const std::int64_t per = M ? w->numel() / M : 0;
  float* wd = nw.data<float>();
  for (std::int64_t m = 0; m < M; ++m)
    for (std::int64_t i = 0; i < per; ++i) wd[m * per + i] *= a[m];
  Tensor nb(DType::f32, {M});
  for (std::int64_t m = 0; m < M; ++m)
    nb.data<float>()[m] = (b ? b->data<float>()[m] : 0.f) * a[m] + s[m];
  p.inputs.resize(std::max<std::size_t>(p.inputs.size(), 3));
  p.inputs[1] = passes::add_constant(g, p.name + "_bn_w", std::move(nw));
  p.inputs[2] = passes::add_constant(g, p.name + "_bn_b", std::move(nb));
  return true;
}

// Folds into a Gemm (output [M, N], channel = N): B's column n and C[n] scale by a[n].
bool fold_into_gemm(Graph& g, Node& p, const std::vector<float>& a, const std::vector<float>& s) {
  if (p.attrs.get_int("transA", 0) != 0) return false;
  const Tensor* B = constant_of(g, p.input(1));
  if (!B || B->dtype() != DType::f32 || B->rank() != 2) return false;
  const bool tb = p.attrs.get_int("transB", 0) != 0;
  const std::int64_t K = tb ? B->shape()[1] : B->shape()[0], N = tb ? B->shape()[0] : B->shape()[1];
  if (N != static_cast<std::int64_t>(a.size())) return false;
  const Tensor* C = p.has_input(2) ? constant_of(g, p.inputs[2]) : nullptr;
  if (p.has_input(2) && (!C || C->dtype() != DType::f32 || (C->numel() != N && C->numel() != 1) ||
                         (C->rank() == 2 && C->shape()[0] != 1)))
    return false;
  const float alpha = p.attrs.get_float("alpha", 1.f), beta = p.attrs.get_float("beta", 1.f);
  Tensor nB = B->clone();
  float* bd = nB.data<float>();
  for (std::int64_t k = 0; k < K; ++k)
    for (std::int64_t n = 0; n < N; ++n) bd[tb ? n * K + k : k * N + n] *= alpha * a[n];
  Tensor nC(DType::f32, {N});
  for (std::int64_t n = 0; n < N; ++n) {
    const float c = C ? C->data<float>()[C->numel() == 1 ? 0 : n] * beta : 0.f;
    nC.data<float>()[n] = c * a[n] + s[n];
  }
  p.attrs.set("alpha", 1.f);
  p.attrs.set("beta", 1.f);
  p.inputs.resize(std::max<std::size_t>(p.inputs.size(), 3));
  p.inputs[1] = passes::add_constant(g, p.name + "_bn_w", std::move(nB));
  p.inputs[2] = passes::add_constant(g, p.name + "_bn_b", std::move(nC));
  return true;
}

}  // namespace

int fold_batchnorm(Graph& g) {
  int folded = 0;
  for (std::size_t k = 0; k < g.nodes.size(); ++k) {
    Node& bn = g.nodes[k];
    if (bn.op_type != "BatchNormalization" || !bn.has_input(0)) continue;
    const std::ptrdiff_t p = g.producer(bn.inputs[0]);
    if (p < 0 || passes::sole_consumer(g, bn.inputs[0]) != static_cast<std::ptrdiff_t>(k)) continue;
    Node& prod = g.nodes[p];
    if ((prod.op_type != "Conv" && prod.op_type != "Gemm") || !prod.post_ops.empty()) continue;
    std::vector<float> a, s;
    if (!bn_affine(g, bn, a, s)) continue;
    const bool ok =
        prod.op_type == "Conv" ? fold_into_conv(g, prod, a, s) : fold_into_gemm(g, prod, a, s);
    if (!ok) continue;
    const std::string old = prod.outputs[0];
    prod.outputs[0] = bn.outputs[0];
    passes::record_fusion(prod, bn);
    g.remove_value(old);
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(k));
    --k;
    ++folded;
  }
  return folded;
}

}  // namespace inferlab
