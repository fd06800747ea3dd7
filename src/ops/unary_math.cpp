// Element-wise Abs, Neg (any numeric type; integers wrap at the lowest value rather than
// overflow) and Floor, Ceil, Erf (f32).
#include <cmath>
#include <type_traits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer_numeric(const Node& n, const std::vector<const Value*>& in,
                   const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });  // Unsupported otherwise
  if (n.op_type == "Neg" && in[0]->dtype == DType::u8) fail("Neg is not defined for u8");
  ops::set_output(out[0], in[0]->dtype, in[0]->shape);
}

// Two's-complement negation: -lowest wraps to lowest (as numpy does) instead of being UB.
template <typename T>
T negate(T v) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(U(0) - static_cast<U>(v)));
  } else {
    return -v;
  }
}

template <typename T>
T absolute(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fabs(v);  // also clears the sign of -0.0 and NaN
  } else if constexpr (std::is_unsigned_v<T>) {
    return v;
  } else {
    return v < T(0) ? negate(v) : v;
  }
}

void run_abs(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    const T* x = in[0].data<T>();
    T* y = out[0].data<T>();
    for (std::int64_t i = 0; i < in[0].numel(); ++i) y[i] = absolute(x[i]);
  });
}

void run_neg(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    const T* x = in[0].data<T>();
    T* y = out[0].data<T>();
    for (std::int64_t i = 0; i < in[0].numel(); ++i) y[i] = negate(x[i]);
  });
}

void infer_float(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::require_float(in[0]);
  ops::set_output(out[0], DType::f32, in[0]->shape);
}

template <float (*F)(float)>
void run_float(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const float* x = in[0].data<float>();
  float* y = out[0].data<float>();
  for (std::int64_t i = 0; i < in[0].numel(); ++i) y[i] = F(x[i]);
}

float floor_f(float v) {
  return std::floor(v);
}
float ceil_f(float v) {
  return std::ceil(v);
}
float erf_f(float v) {
  return std::erf(v);
}

}  // namespace
INFERLAB_REGISTER_OP({"Abs", infer_numeric, run_abs});
INFERLAB_REGISTER_OP({"Neg", infer_numeric, run_neg});
INFERLAB_REGISTER_OP({"Floor", infer_float, run_float<floor_f>});
INFERLAB_REGISTER_OP({"Ceil", infer_float, run_float<ceil_f>});
INFERLAB_REGISTER_OP({"Erf", infer_float, run_float<erf_f>});
}  // namespace inferlab
