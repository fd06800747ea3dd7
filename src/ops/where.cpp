// Where(condition, X, Y): X where condition is true, else Y, all three broadcast together.
// Elements are copied whole, so X and Y may have any (matching) type.
#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 3, 3);
  if (in[0]->dtype != DType::boolean)
    fail("condition must be bool, got {}", dtype_name(in[0]->dtype));
  if (in[1]->dtype != in[2]->dtype) {
    fail("X and Y have different types ({} and {})", dtype_name(in[1]->dtype),
         dtype_name(in[2]->dtype));
  }
  const Shape xy = broadcast_shapes(in[1]->shape, in[2]->shape, "X and Y");
  ops::set_output(out[0], in[1]->dtype, broadcast_shapes(in[0]->shape, xy, "condition"));
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const std::size_t size = dtype_size(in[1].dtype());
  const bool* c = in[0].data<bool>();
  const auto* x = static_cast<const std::byte*>(in[1].raw());
  const auto* yv = static_cast<const std::byte*>(in[2].raw());
  auto* r = static_cast<std::byte*>(out[0].raw());
  const Shape& s = out[0].shape();
  // Two passes over the two-operand broadcaster: Y everywhere, then X where the condition holds.
  ops::for_each_broadcast(in[2].shape(), s, s, [&](std::int64_t o, std::int64_t iy, std::int64_t) {
    std::memcpy(r + o * size, yv + iy * size, size);
  });
  ops::for_each_broadcast(in[0].shape(), in[1].shape(), s,
                          [&](std::int64_t o, std::int64_t ic, std::int64_t ix) {
                            if (c[ic]) std::memcpy(r + o * size, x + ix * size, size);
                          });
}

}  // namespace
INFERLAB_REGISTER_OP({"Where", infer, run});
}  // namespace inferlab
