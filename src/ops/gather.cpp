// Gather along an axis with (possibly negative) integer indices; any element type.
#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  if (in[1]->dtype != DType::i64 && in[1]->dtype != DType::i32) fail("indices must be i32 or i64");
  const Shape& s = in[0]->shape;
  const int axis = normalize_axis(n.attrs.get_int("axis", 0), s.size(), "axis");
  Shape r(s.begin(), s.begin() + axis);
  r.insert(r.end(), in[1]->shape.begin(), in[1]->shape.end());
  r.insert(r.end(), s.begin() + axis + 1, s.end());
  ops::set_output(out[0], in[0]->dtype, r);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  const int axis = normalize_axis(n.attrs.get_int("axis", 0), s.size(), "axis");
  std::int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= s[i];
  for (std::size_t i = axis + 1; i < s.size(); ++i) inner *= s[i];
  const std::size_t block = static_cast<std::size_t>(inner) * dtype_size(in[0].dtype());
  const std::int64_t count = in[1].numel(), dim = s[axis];
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  auto* y = static_cast<std::byte*>(out[0].raw());
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t k = 0; k < count; ++k) {
      std::int64_t idx = in[1].at_i64(k);
      if (idx < 0) idx += dim;
      if (idx < 0 || idx >= dim)
        fail("node '{}': index {} out of range [0, {})", n.name, in[1].at_i64(k), dim);
      std::memcpy(y + (o * count + k) * block, x + (o * dim + idx) * block, block);
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Gather", infer, run});
}  // namespace inferlab
