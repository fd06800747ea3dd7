// Add, Sub, Mul, Div, Pow with numpy broadcasting; PRelu (slope broadcast to x).
#include <cmath>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer_arith(const Node& n, const std::vector<const Value*>& in,
                 const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  if (in[0]->dtype != in[1]->dtype) {
    fail("inputs have different types ({} and {})", dtype_name(in[0]->dtype),
         dtype_name(in[1]->dtype));
  }
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });  // rejects bool, f16, ...
  ops::set_output(out[0], in[0]->dtype, broadcast_shapes(in[0]->shape, in[1]->shape, "inputs"));
}

template <typename Op>
KernelFn arith(Op op) {
  return [op](const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
    ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
      const T* a = in[0].data<T>();
      const T* b = in[1].data<T>();
      T* y = out[0].data<T>();
      if (in[0].shape() == in[1].shape()) {
        for (std::int64_t i = 0; i < out[0].numel(); ++i) y[i] = op(a[i], b[i]);
        return;
      }
      ops::for_each_broadcast(
          in[0].shape(), in[1].shape(), out[0].shape(),
          [&](std::int64_t o, std::int64_t ia, std::int64_t ib) { y[o] = op(a[ia], b[ib]); });
    });
  };
}

INFERLAB_REGISTER_OP({"Add", infer_arith,
                      arith([](auto a, auto b) -> decltype(a) { return a + b; })});
INFERLAB_REGISTER_OP({"Sub", infer_arith,
                      arith([](auto a, auto b) -> decltype(a) { return a - b; })});
INFERLAB_REGISTER_OP({"Mul", infer_arith,
                      arith([](auto a, auto b) -> decltype(a) { return a * b; })});
INFERLAB_REGISTER_OP({"Div", infer_arith, arith([](auto a, auto b) -> decltype(a) {
                        if constexpr (std::is_integral_v<decltype(a)>) {
                          if (b == 0) fail("integer division by zero");
                        }
                        return a / b;
                      })});

// Pow: the exponent may have another numeric type; the result has the base's type.
void infer_pow(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });
  ops::dispatch_numeric(in[1]->dtype, []<typename T>() { return 0; });
  ops::set_output(out[0], in[0]->dtype, broadcast_shapes(in[0]->shape, in[1]->shape, "inputs"));
}

void run_pow(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    T* y = out[0].data<T>();
    ops::for_each_broadcast(in[0].shape(), in[1].shape(), out[0].shape(),
                            [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                              y[o] = static_cast<T>(std::pow(in[0].at_f64(ia), in[1].at_f64(ib)));
                            });
  });
}
INFERLAB_REGISTER_OP({"Pow", infer_pow, run_pow});

void infer_prelu(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  ops::require_float(in[0]);
  ops::require_float(in[1], "slope");
  if (broadcast_shapes(in[0]->shape, in[1]->shape, "slope") != in[0]->shape) {
    fail("slope shape {} does not broadcast to input shape {}", shape_str(in[1]->shape),
         shape_str(in[0]->shape));
  }
  ops::set_output(out[0], in[0]->dtype, in[0]->shape);
}

void run_prelu(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const float* x = in[0].data<float>();
  const float* s = in[1].data<float>();
  float* y = out[0].data<float>();
  ops::for_each_broadcast(in[0].shape(), in[1].shape(), out[0].shape(),
                          [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
                            y[o] = x[ia] >= 0 ? x[ia] : x[ia] * s[ib];
                          });
}
INFERLAB_REGISTER_OP({"PRelu", infer_prelu, run_prelu});

}  // namespace
}  // namespace inferlab
