// ConstantOfShape: a tensor of the given (constant) shape filled with the one-element `value`
// attribute (default f32 zero). PyTorch exports it for torch.zeros/ones of computed shapes.
#include "ops/op_util.h"

namespace inferlab {
namespace {

Tensor fill_value(const Node& n) {
  if (!n.attrs.has("value")) return Tensor(DType::f32, {});  // zero-initialised
  const Tensor& v = n.attrs.get_tensor("value");
  if (v.numel() != 1) fail("value must hold exactly one element, has {}", v.numel());
  if (v.dtype() == DType::undefined) fail("value has no element type");
  return v;
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  if (in[0]->dtype != DType::i64) fail("shape input must be i64, got {}", dtype_name(in[0]->dtype));
  const auto dims = ops::const_ints(in[0], "shape");
  for (auto d : dims)
    if (d < 0) fail("negative dimension {} in shape", d);
  ops::set_output(out[0], fill_value(n).dtype(), Shape(dims.begin(), dims.end()));
}

void run(const Node& n, const std::vector<Tensor>&, std::vector<Tensor>& out) {
  const Tensor v = fill_value(n);
  const std::size_t size = dtype_size(v.dtype());
  auto* y = static_cast<std::byte*>(out[0].raw());
  for (std::int64_t i = 0; i < out[0].numel(); ++i) std::memcpy(y + i * size, v.raw(), size);
}

}  // namespace
INFERLAB_REGISTER_OP({"ConstantOfShape", infer, run, true, {0}});
}  // namespace inferlab
