// Sum, Mean, Min, Max over one or more inputs broadcast together (numpy rules). Min and Max take
// any numeric type and propagate NaN like numpy's minimum/maximum; Sum and Mean are f32 only
// (the spec allows float types only).
#include <cmath>
#include <type_traits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  if (in.empty()) fail("expects at least one input");
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!in[i]) fail("input {} is missing", i);
    if (in[i]->dtype != in[0]->dtype) {
      fail("inputs have different types ({} and {})", dtype_name(in[0]->dtype),
           dtype_name(in[i]->dtype));
    }
  }
  if (n.op_type == "Sum" || n.op_type == "Mean") {
    ops::require_float(in[0]);
  } else {
    ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });
  }
  Shape s = in[0]->shape;
  for (std::size_t i = 1; i < in.size(); ++i) s = broadcast_shapes(s, in[i]->shape, "inputs");
  ops::set_output(out[0], in[0]->dtype, s);
}

template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// Folds the inputs pairwise into the output: y = x0 (broadcast), then y = op(y, xk) for each k.
template <typename Op>
KernelFn fold(Op op) {
  return [op](const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
    ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
      T* y = out[0].data<T>();
      const Shape& s = out[0].shape();
      const T* x0 = in[0].data<T>();
      ops::for_each_broadcast(in[0].shape(), s, s,
                              [&](std::int64_t o, std::int64_t i, std::int64_t) { y[o] = x0[i]; });
      for (std::size_t k = 1; k < in.size(); ++k) {
        const T* x = in[k].data<T>();
        ops::for_each_broadcast(
            s, in[k].shape(), s,
            [&](std::int64_t o, std::int64_t, std::int64_t i) { y[o] = op(y[o], x[i]); });
      }
      if constexpr (std::is_floating_point_v<T>) {
        if (n.op_type == "Mean")
          for (std::int64_t i = 0; i < out[0].numel(); ++i) y[i] /= static_cast<T>(in.size());
      }
    });
  };
}

const auto add = [](auto a, auto b) { return a + b; };
const auto min = [](auto a, auto b) { return is_nan(a) || a < b ? a : b; };
const auto max = [](auto a, auto b) { return is_nan(a) || a > b ? a : b; };

}  // namespace
INFERLAB_REGISTER_OP({"Sum", infer, fold(add)});
INFERLAB_REGISTER_OP({"Mean", infer, fold(add)});
INFERLAB_REGISTER_OP({"Min", infer, fold(min)});
INFERLAB_REGISTER_OP({"Max", infer, fold(max)});
}  // namespace inferlab
