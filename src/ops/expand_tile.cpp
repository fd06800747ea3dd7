// Expand (broadcast to a constant target shape, bidirectionally as in numpy) and Tile (repeat
// along every axis a constant number of times). Both copy whole elements, so any type works.
#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer_expand(const Node&, const std::vector<const Value*>& in,
                  const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  const auto target = ops::const_ints(in[1], "shape");
  if (in[1]->shape.size() != 1) fail("shape must be 1-D, got {}", shape_str(in[1]->shape));
  for (auto d : target)
    if (d < 0) fail("negative dimension {} in shape", d);
  ops::set_output(out[0], in[0]->dtype,
                  broadcast_shapes(in[0]->shape, Shape(target.begin(), target.end()), "shape"));
}

void run_expand(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const std::size_t size = dtype_size(in[0].dtype());
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  auto* y = static_cast<std::byte*>(out[0].raw());
  const Shape& s = out[0].shape();
  ops::for_each_broadcast(in[0].shape(), s, s, [&](std::int64_t o, std::int64_t i, std::int64_t) {
    std::memcpy(y + o * size, x + i * size, size);
  });
}

void infer_tile(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  if (in[1]->dtype != DType::i64) fail("repeats must be i64, got {}", dtype_name(in[1]->dtype));
  const auto reps = ops::const_ints(in[1], "repeats");
  const Shape& s = in[0]->shape;
  if (reps.size() != s.size())
    fail("repeats has {} values for an input of rank {}", reps.size(), s.size());
  Shape r(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (reps[i] < 0) fail("negative repeat {} on axis {}", reps[i], i);
    r[i] = s[i] * reps[i];
  }
  ops::set_output(out[0], in[0]->dtype, r);
}

void run_tile(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const std::size_t size = dtype_size(in[0].dtype());
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  auto* y = static_cast<std::byte*>(out[0].raw());
  const Shape& s = in[0].shape();
  const Shape& os = out[0].shape();
  const auto st = shape_strides(s);
  std::vector<std::int64_t> idx(os.size(), 0);
  for (std::int64_t o = 0; o < out[0].numel(); ++o) {
    std::int64_t src = 0;  // output index modulo the input dims, row-major in the input
    for (std::size_t d = 0; d < os.size(); ++d) src += (idx[d] % s[d]) * st[d];
    std::memcpy(y + o * size, x + src * size, size);
    for (std::size_t d = os.size(); d-- > 0;) {
      if (++idx[d] < os[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Expand", infer_expand, run_expand, true, {1}});
INFERLAB_REGISTER_OP({"Tile", infer_tile, run_tile, true, {1}});
}  // namespace inferlab
