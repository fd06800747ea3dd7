// Equal, Less, Greater, LessOrEqual, GreaterOrEqual with numpy broadcasting; bool result.
// Equal also compares bool tensors. NaN compares false everywhere, as in IEEE/numpy.
#include "ops/op_util.h"

namespace inferlab {
namespace {

// dispatch_numeric plus bool (which has no ordering ops in ONNX, only Equal).
template <typename F>
void dispatch_with_bool(DType t, bool allow_bool, F&& f) {
  if (t == DType::boolean && allow_bool) {
    f.template operator()<bool>();
    return;
  }
  ops::dispatch_numeric(t, f);
}

InferFn infer_compare(bool allow_bool) {
  return [allow_bool](const Node&, const std::vector<const Value*>& in,
                      const std::vector<Value*>& out) {
    ops::require_inputs(in, 2, 2);
    if (in[0]->dtype != in[1]->dtype) {
      fail("inputs have different types ({} and {})", dtype_name(in[0]->dtype),
           dtype_name(in[1]->dtype));
    }
    dispatch_with_bool(in[0]->dtype, allow_bool, []<typename T>() {});  // Unsupported otherwise
    ops::set_output(out[0], DType::boolean, broadcast_shapes(in[0]->shape, in[1]->shape, "inputs"));
  };
}

// `Op` is a generic callable (a, b) -> bool applied element-wise under broadcasting.
template <typename Op>
KernelFn compare(Op op) {
  return [op](const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
    dispatch_with_bool(in[0].dtype(), true, [&]<typename T>() {
      const T* a = in[0].data<T>();
      const T* b = in[1].data<T>();
      bool* y = out[0].data<bool>();
      ops::for_each_broadcast(
          in[0].shape(), in[1].shape(), out[0].shape(),
          [&](std::int64_t o, std::int64_t ia, std::int64_t ib) { y[o] = op(a[ia], b[ib]); });
    });
  };
}

}  // namespace
INFERLAB_REGISTER_OP({"Equal", infer_compare(true),
                      compare([](auto a, auto b) { return a == b; })});
INFERLAB_REGISTER_OP({"Less", infer_compare(false), compare([](auto a, auto b) { return a < b; })});
INFERLAB_REGISTER_OP({"Greater", infer_compare(false),
                      compare([](auto a, auto b) { return a > b; })});
INFERLAB_REGISTER_OP({"LessOrEqual", infer_compare(false),
                      compare([](auto a, auto b) { return a <= b; })});
INFERLAB_REGISTER_OP({"GreaterOrEqual", infer_compare(false),
                      compare([](auto a, auto b) { return a >= b; })});
}  // namespace inferlab
