// Transpose: y[perm-permuted index] = x[index]; perm defaults to reversing the axes.
#include <numeric>

#include "ops/op_util.h"

namespace inferlab {
namespace {

std::vector<std::int64_t> perm_of(const Node& n, std::size_t rank) {
  std::vector<std::int64_t> p(rank);
  std::iota(p.rbegin(), p.rend(), 0);
  p = n.attrs.get_ints("perm", p);
  if (p.size() != rank) fail("perm has {} entries for a rank-{} input", p.size(), rank);
  std::vector<bool> seen(rank, false);
  for (auto a : p) {
    if (a < 0 || a >= static_cast<std::int64_t>(rank) || seen[a]) fail("perm is not a permutation");
    seen[a] = true;
  }
  return p;
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  const auto p = perm_of(n, in[0]->shape.size());
  Shape r;
  for (auto a : p) r.push_back(in[0]->shape[a]);
  ops::set_output(out[0], in[0]->dtype, r);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const auto p = perm_of(n, in[0].rank());
  const auto in_st = shape_strides(in[0].shape());
  const std::size_t es = dtype_size(in[0].dtype());
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  auto* y = static_cast<std::byte*>(out[0].raw());
  const Shape& os = out[0].shape();
  std::vector<std::int64_t> src_st(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) src_st[i] = in_st[p[i]];
  std::vector<std::int64_t> idx(os.size(), 0);
  std::int64_t src = 0;
  for (std::int64_t o = 0; o < out[0].numel(); ++o) {
    std::memcpy(y + o * es, x + src * es, es);
    for (std::size_t d = os.size(); d-- > 0;) {
      ++idx[d];
      src += src_st[d];
      if (idx[d] < os[d]) break;
      src -= src_st[d] * os[d];
      idx[d] = 0;
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Transpose", infer, run});
}  // namespace inferlab
