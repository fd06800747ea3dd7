// Not, And, Or, Xor on bool tensors (And/Or/Xor with numpy broadcasting).
#include "ops/op_util.h"

namespace inferlab {
namespace {

void require_bool(const Value* v, const char* what) {
  if (v->dtype != DType::boolean) fail("{} must be bool, got {}", what, dtype_name(v->dtype));
}

void infer_not(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  require_bool(in[0], "input");
  ops::set_output(out[0], DType::boolean, in[0]->shape);
}

void run_not(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const bool* x = in[0].data<bool>();
  bool* y = out[0].data<bool>();
  for (std::int64_t i = 0; i < in[0].numel(); ++i) y[i] = !x[i];
}

void infer_binary(const Node&, const std::vector<const Value*>& in,
                  const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  require_bool(in[0], "input A");
  require_bool(in[1], "input B");
  ops::set_output(out[0], DType::boolean, broadcast_shapes(in[0]->shape, in[1]->shape, "inputs"));
}

template <typename Op>
KernelFn logical(Op op) {
  return [op](const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
    const bool* a = in[0].data<bool>();
    const bool* b = in[1].data<bool>();
    bool* y = out[0].data<bool>();
    ops::for_each_broadcast(
        in[0].shape(), in[1].shape(), out[0].shape(),
        [&](std::int64_t o, std::int64_t ia, std::int64_t ib) { y[o] = op(a[ia], b[ib]); });
  };
}

}  // namespace
INFERLAB_REGISTER_OP({"Not", infer_not, run_not});
INFERLAB_REGISTER_OP({"And", infer_binary, logical([](bool a, bool b) { return a && b; })});
INFERLAB_REGISTER_OP({"Or", infer_binary, logical([](bool a, bool b) { return a || b; })});
INFERLAB_REGISTER_OP({"Xor", infer_binary, logical([](bool a, bool b) { return a != b; })});
}  // namespace inferlab
