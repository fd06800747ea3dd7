// Shared helpers of the oneDNN builders: plain descriptors, layout names, constant reorders,
// post-op attributes, and the op-type dispatch.
#include <omp.h>

#include <algorithm>
#include <numeric>

#include "kernels/onednn/onednn.h"

namespace inferlab::onednn {

dnnl::memory::dims to_dims(const Shape& s) {
  return dnnl::memory::dims(s.begin(), s.end());
}

dnnl::memory::data_type compute_type(const BuildContext& c) {
  return c.options.precision == Precision::bf16 ? dnnl::memory::data_type::bf16
                                                : dnnl::memory::data_type::f32;
}

std::string precision_of(const md& d) {
  using dt = dnnl::memory::data_type;
  switch (d.data_type()) {
    case dt::bf16:
      return "bf16";
    case dt::f16:
      return "f16";
    case dt::s8:
    case dt::u8:
      return "i8";
    case dt::s32:
      return "i32";
    default:
      return "f32";
  }
}

md plain_md(const Shape& s, dnnl::memory::data_type t) {
  const auto st = shape_strides(s);
  return md(to_dims(s), t, dnnl::memory::dims(st.begin(), st.end()));
}

bool is_plain(const md& d, const Shape& s) {
  return s.empty() || d == plain_md(s, d.data_type());
}

std::string layout_name(const md& d) {
  const dnnl_memory_desc_t& c = d.data;
  if (c.ndims == 0) return "scalar";
  if (c.format_kind != dnnl_blocked) return "opaque";
  const int nd = c.ndims;
  static const char* letters4 = "nchw";
  static const char* letters5 = "ncdhw";
  std::vector<int> order(nd);
  std::iota(order.begin(), order.end(), 0);
  const auto& st = c.format_desc.blocking.strides;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return st[a] > st[b]; });
  std::vector<bool> blocked(nd, false);
  const auto& bd = c.format_desc.blocking;
  for (int i = 0; i < bd.inner_nblks; ++i) blocked[bd.inner_idxs[i]] = true;
  auto letter = [&](int dim, bool upper) {
    char ch = nd == 4 ? letters4[dim] : nd == 5 ? letters5[dim] : static_cast<char>('a' + dim);
    if (nd == 2) ch = "nc"[dim];
    return upper ? static_cast<char>(ch - 'a' + 'A') : ch;
  };
  std::string s;
  for (int dim : order) s += letter(dim, blocked[dim]);
  for (int i = 0; i < bd.inner_nblks; ++i)
    s += std::to_string(bd.inner_blks[i]) + letter(static_cast<int>(bd.inner_idxs[i]), false);
  return s;
}

dnnl::memory reorder_constant(const dnnl::engine& eng, const Tensor& t, const md& from,
                              const md& want) {
  // One thread: the reorders are short, and on this busy shared machine an OpenMP team
  // spinning at barriers made ResNet-50's compile 5x slower (1.5 s vs 0.3 s).
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  dnnl::memory src(from, eng, const_cast<void*>(t.raw()));
  dnnl::memory dst(want, eng);
  try {
    dnnl::stream s(eng);
    dnnl::reorder(src, dst).execute(s, src, dst);
    s.wait();
  } catch (...) {
    omp_set_num_threads(threads);
    throw;
  }
  omp_set_num_threads(threads);
  return dst;
}

dnnl::primitive_attr scratch_attr() {
  dnnl::primitive_attr a;
  a.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return a;
}

dnnl::primitive_attr post_op_attr(const Node& n) {
  dnnl::primitive_attr a = scratch_attr();
  dnnl::post_ops po;
  for (const PostOp& p : n.post_ops) {
    using dnnl::algorithm;
    switch (p.kind) {
      case PostOpKind::sum:
        po.append_sum(p.alpha);
        break;
      case PostOpKind::relu:
        po.append_eltwise(1.f, algorithm::eltwise_relu, p.alpha, 0.f);
        break;
      case PostOpKind::clip:
        po.append_eltwise(1.f, algorithm::eltwise_clip, p.alpha, p.beta);
        break;
      case PostOpKind::sigmoid:
        po.append_eltwise(1.f, algorithm::eltwise_logistic, 0.f, 0.f);
        break;
      case PostOpKind::hardswish:
        po.append_eltwise(1.f, algorithm::eltwise_hardswish, 0.f, 0.f);
        break;
      case PostOpKind::depthwise:  // f32 only: fuse_depthwise runs for FP32 compiles
        po.append_dw(dnnl::memory::data_type::f32, dnnl::memory::data_type::f32,
                     dnnl::memory::data_type::f32, 3, p.stride, 1, 0, {});
        break;
    }
  }
  a.set_post_ops(po);
  return a;
}

std::optional<Built> build_node(const Node& n, const BuildContext& c) {
  if (n.op_type == "QLinearAdd" && n.domain == "com.microsoft") return build_qlinear_add(n, c);
  if (n.op_type == "QLinearConvSum" && n.domain == "inferlab") return build_qlinear_conv(n, c);
  if (n.op_type == "MatMulIntegerToFloat" && n.domain == "com.microsoft")
    return build_matmul_integer_to_float(n, c);
  if (!n.domain.empty() && n.domain != "ai.onnx") return std::nullopt;
  const std::string& t = n.op_type;
  if (t == "Conv") return build_conv(n, c);
  if (t == "Gemm" || t == "MatMul") return build_inner_product(n, c);
  if (t == "MaxPool" || t == "AveragePool" || t == "GlobalAveragePool" || t == "GlobalMaxPool")
    return build_pool(n, c);
  if (t == "Add" || t == "Mul" || t == "Sub" || t == "Div") return build_binary(n, c);
  if (t == "Concat") return build_concat(n, c);
  if (t == "Softmax" || t == "LogSoftmax") return build_softmax(n, c);
  if (t == "Transpose") return build_transpose(n, c);
  if (t == "QLinearConv") return build_qlinear_conv(n, c);
  if (t == "DequantizeLinear") return build_dequantize(n, c);
  if (t == "QLinearMatMul") return build_qlinear_matmul(n, c);
  return build_eltwise(n, c);
}

}  // namespace inferlab::onednn
