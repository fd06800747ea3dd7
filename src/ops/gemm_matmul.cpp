// Gemm (alpha, beta, transA, transB, C broadcast) and MatMul (numpy batched broadcasting,
// 1-D operands promoted and squeezed back).
#include "ops/int_kernels.h"
#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer_gemm(const Node& n, const std::vector<const Value*>& in,
                const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 3);
  ops::require_float(in[0]);
  ops::require_float(in[1]);
  const Shape &a = in[0]->shape, &b = in[1]->shape;
  if (a.size() != 2 || b.size() != 2) fail("A {} and B {} must be 2-D", shape_str(a), shape_str(b));
  const bool ta = n.attrs.get_int("transA", 0), tb = n.attrs.get_int("transB", 0);
  const std::int64_t M = ta ? a[1] : a[0], K = ta ? a[0] : a[1];
  const std::int64_t K2 = tb ? b[1] : b[0], N = tb ? b[0] : b[1];
  if (K != K2) fail("inner dimensions differ: A {} B {}", shape_str(a), shape_str(b));
  if (auto* c = ops::opt(in, 2)) {
    ops::require_float(c, "C");
    if (broadcast_shapes(c->shape, {M, N}, "C") != Shape{M, N})
      fail("C shape {} does not broadcast to {}x{}", shape_str(c->shape), M, N);
  }
  ops::set_output(out[0], DType::f32, {M, N});
}

void run_gemm(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const bool ta = n.attrs.get_int("transA", 0), tb = n.attrs.get_int("transB", 0);
  const float alpha = n.attrs.get_float("alpha", 1.f), beta = n.attrs.get_float("beta", 1.f);
  const Shape& as = in[0].shape();
  const std::int64_t M = out[0].shape()[0], N = out[0].shape()[1], K = ta ? as[0] : as[1];
  const float *A = in[0].data<float>(), *B = in[1].data<float>();
  float* Y = out[0].data<float>();
  for (std::int64_t i = 0; i < M * N; ++i) Y[i] = 0.f;
  for (std::int64_t i = 0; i < M; ++i) {
    for (std::int64_t k = 0; k < K; ++k) {
      const float av = alpha * (ta ? A[k * M + i] : A[i * K + k]);
      float* yrow = Y + i * N;
      if (!tb) {
        const float* brow = B + k * N;
        for (std::int64_t j = 0; j < N; ++j) yrow[j] += av * brow[j];
      } else {
        for (std::int64_t j = 0; j < N; ++j) yrow[j] += av * B[j * K + k];
      }
    }
  }
  if (in.size() > 2 && !in[2].empty() && beta != 0.f) {
    const float* C = in[2].data<float>();
    ops::for_each_broadcast(
        out[0].shape(), in[2].shape(), out[0].shape(),
        [&](std::int64_t o, std::int64_t, std::int64_t ic) { Y[o] += beta * C[ic]; });
  }
}

void infer_matmul(const Node&, const std::vector<const Value*>& in,
                  const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  ops::require_float(in[0]);
  ops::require_float(in[1]);
  ops::set_output(out[0], DType::f32, ops::matmul_shapes(in[0]->shape, in[1]->shape).result);
}

void run_matmul(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const ops::MatMulShapes s = ops::matmul_shapes(in[0].shape(), in[1].shape());
  const std::int64_t M = s.out[s.out.size() - 2], N = s.out.back(), K = s.a.back();
  const Shape batch(s.out.begin(), s.out.end() - 2);
  const Shape ab(s.a.begin(), s.a.end() - 2), bb(s.b.begin(), s.b.end() - 2);
  const float *A = in[0].data<float>(), *B = in[1].data<float>();
  float* Y = out[0].data<float>();
  ops::for_each_broadcast(ab, bb, batch, [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
    const float* a = A + ia * M * K;
    const float* b = B + ib * K * N;
    float* y = Y + o * M * N;
    for (std::int64_t i = 0; i < M * N; ++i) y[i] = 0.f;
    for (std::int64_t i = 0; i < M; ++i)
      for (std::int64_t k = 0; k < K; ++k) {
        const float av = a[i * K + k];
        for (std::int64_t j = 0; j < N; ++j) y[i * N + j] += av * b[k * N + j];
      }
  });
}

}  // namespace
INFERLAB_REGISTER_OP({"Gemm", infer_gemm, run_gemm});
INFERLAB_REGISTER_OP({"MatMul", infer_matmul, run_matmul});
}  // namespace inferlab
