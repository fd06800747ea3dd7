// Gemm as a oneDNN inner product: Y = A * B' + C with A an activation [M, K] (transA = 0),
// B constant (weights [N, K] after transposition, alpha folded in), C constant of N values or
// one value (beta folded in). Fused activations become post-ops. A 2-D MatMul with a constant
// right operand is the same thing without C.
#include "kernels/onednn/onednn.h"

namespace inferlab::onednn {

std::optional<Built> build_inner_product(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (!n.has_input(0) || !n.has_input(1) || c.in[0].data.ndims == 0) return std::nullopt;
  const bool matmul = n.op_type == "MatMul";
  if (n.attrs.get_int("transA", 0) != 0) return std::nullopt;
  const Value& av = g.value(n.inputs[0]);
  const Value& bv = g.value(n.inputs[1]);
  if (av.dtype != DType::f32 || bv.dtype != DType::f32 || !bv.constant || bv.shape.size() != 2 ||
      av.shape.size() != 2 || (matmul && n.inputs.size() != 2))
    return std::nullopt;
  const bool tb = n.attrs.get_int("transB", 0) != 0;
  const std::int64_t M = av.shape[0], K = av.shape[1];
  const std::int64_t N = tb ? bv.shape[0] : bv.shape[1];
  const float alpha = n.attrs.get_float("alpha", 1.f), beta = n.attrs.get_float("beta", 1.f);
  const Tensor* C = nullptr;
  if (n.has_input(2)) {
    const Value& cv = g.value(n.inputs[2]);
    if (!cv.constant || cv.dtype != DType::f32) return std::nullopt;
    const bool per_n = cv.constant->numel() == N && (cv.shape.size() == 1 || cv.shape[0] == 1);
    if (!per_n && cv.constant->numel() != 1) return std::nullopt;
    C = &*cv.constant;
  }
  // Weights [N, K] with alpha applied; bias [N] with beta applied.
  Tensor wt(DType::f32, {N, K});
  const float* bd = bv.constant->data<float>();
  for (std::int64_t o = 0; o < N; ++o)
    for (std::int64_t k = 0; k < K; ++k)
      wt.data<float>()[o * K + k] = alpha * (tb ? bd[o * K + k] : bd[k * N + o]);
  Tensor bias(DType::f32, {N});
  for (std::int64_t o = 0; o < N; ++o)
    bias.data<float>()[o] = C ? beta * C->data<float>()[C->numel() == 1 ? 0 : o] : 0.f;

  using dnnl::memory;
  // Under bf16: bf16 source and weights, f32 destination (classifier scores leave in f32).
  const md src(to_dims(av.shape), compute_type(c), tag::nc);
  const md w_any({N, K}, compute_type(c), tag::any);
  const md b_md({N}, memory::data_type::f32, tag::x);
  const md dst({M, N}, memory::data_type::f32, tag::nc);
  dnnl::inner_product_forward::primitive_desc pd;
  try {
    pd = {{dnnl::prop_kind::forward_inference, src, w_any, b_md, dst}, post_op_attr(n), c.eng};
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built b;
  b.prim = dnnl::inner_product_forward(pd);
  b.impl = pd.impl_info_str();
  b.inputs.push_back({0, DNNL_ARG_SRC, pd.src_desc()});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  b.constants[DNNL_ARG_WEIGHTS] =
      reorder_constant(c.eng, wt, md({N, K}, memory::data_type::f32, tag::oi), pd.weights_desc());
  b.constants[DNNL_ARG_BIAS] = reorder_constant(c.eng, bias, b_md, pd.bias_desc());
  return b;
}

}  // namespace inferlab::onednn
