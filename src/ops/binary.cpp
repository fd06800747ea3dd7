// Add, Sub, Mul, Div, Pow with numpy broadcasting; PRelu (slope broadcast to x).
// Integer arithmetic (shape sub-graphs compute in i64) wraps around in two's complement rather
// than overflowing into undefined behaviour, and integer Div truncates toward zero as in C.
#include <cmath>
#include <limits>
#include <type_traits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

// Two's-complement wrap-around arithmetic for integers; plain arithmetic for float.
template <typename T>
T wrap(T a, T b, char op) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    const U x = static_cast<U>(a), y = static_cast<U>(b);
    switch (op) {
      case '+':
        return static_cast<T>(static_cast<U>(x + y));
      case '-':
        return static_cast<T>(static_cast<U>(x - y));
      default:
        return static_cast<T>(static_cast<U>(x * y));
    }
  } else {
    return op == '+' ? a + b : op == '-' ? a - b : a * b;
  }
}

template <typename T>
T divide(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) fail("integer division by zero");
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return wrap(T(0), a, '-');  // lowest / -1 overflows: wrap like negation
    }
  }
  return static_cast<T>(a / b);
}

void infer_arith(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  if (in[0]->dtype != in[1]->dtype) {
    fail("inputs have different types ({} and {})", dtype_name(in[0]->dtype),
         dtype_name(in[1]->dtype));
  }
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });  // rejects bool, f16, ...
  ops::set_output(out[0], in[0]->dtype, broadcast_shapes(in[0]->shape, in[1]->shape, "inputs"));
}

// `Op` is a generic callable (a, b) -> T applied element-wise under broadcasting.
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

INFERLAB_REGISTER_OP({"Add", infer_arith, arith([](auto a, auto b) { return wrap(a, b, '+'); })});
INFERLAB_REGISTER_OP({"Sub", infer_arith, arith([](auto a, auto b) { return wrap(a, b, '-'); })});
INFERLAB_REGISTER_OP({"Mul", infer_arith, arith([](auto a, auto b) { return wrap(a, b, '*'); })});
INFERLAB_REGISTER_OP({"Div", infer_arith, arith([](auto a, auto b) { return divide(a, b); })});

// Pow: the exponent may have another numeric type; the result has the base's type.
void infer_pow(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });
  ops::dispatch_numeric(in[1]->dtype, []<typename T>() { return 0; });
  ops::set_output(out[0], in[0]->dtype, broadcast_shapes(in[0]->shape, in[1]->shape, "inputs"));
}

// Integer base and non-negative integer exponent: exact square-and-multiply (wrapping), since
// going through double would lose precision for i64 beyond 2^53.
template <typename T>
T int_pow(T base, std::int64_t e) {
  T r = 1;
  while (e > 0) {
    if (e & 1) r = wrap(r, base, '*');
    base = wrap(base, base, '*');
    e >>= 1;
  }
  return r;
}

// double -> integer without undefined behaviour for NaN or out-of-range values (saturates).
template <typename T>
T to_type(double v) {
  if constexpr (std::is_integral_v<T>) {
    if (std::isnan(v)) return 0;
    if (v <= static_cast<double>(std::numeric_limits<T>::lowest()))
      return std::numeric_limits<T>::lowest();
    if (v >= static_cast<double>(std::numeric_limits<T>::max()))
      return std::numeric_limits<T>::max();
  }
  return static_cast<T>(v);
}

void run_pow(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const bool int_exponent = in[1].dtype() != DType::f32;
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    const T* a = in[0].data<T>();
    T* y = out[0].data<T>();
    ops::for_each_broadcast(
        in[0].shape(), in[1].shape(), out[0].shape(),
        [&](std::int64_t o, std::int64_t ia, std::int64_t ib) {
          if constexpr (std::is_integral_v<T>) {
            if (int_exponent && in[1].at_i64(ib) >= 0) {
              y[o] = int_pow(a[ia], in[1].at_i64(ib));
              return;
            }
          }
          y[o] = to_type<T>(std::pow(static_cast<double>(a[ia]), in[1].at_f64(ib)));
        });
  });
}
INFERLAB_REGISTER_OP({"Pow", infer_pow, run_pow});

void infer_prelu(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);
  ops::require_float(in[0]);
  ops::require_float(in[1], "slope");
  // Unidirectional broadcasting: the slope must broadcast to x's shape, never the reverse.
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
                            y[o] = x[ia] < 0 ? x[ia] * s[ib] : x[ia];
                          });
}
INFERLAB_REGISTER_OP({"PRelu", infer_prelu, run_prelu});

}  // namespace
}  // namespace inferlab
