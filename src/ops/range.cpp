// Range: start, start + delta, ... up to (excluding) limit. All three inputs are constant scalars
// of one type (f32, i32 or i64) since they determine the output length.
#include <cmath>
#include <type_traits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void check_types(const std::vector<const Value*>& in) {
  const DType t = in[0]->dtype;
  if (t != DType::f32 && t != DType::i32 && t != DType::i64)
    unsupported("element type {} is not supported (f32, i32, i64)", dtype_name(t));
  for (int i = 0; i < 3; ++i) {
    if (in[i]->dtype != t)
      fail("inputs have different types ({} and {})", dtype_name(t), dtype_name(in[i]->dtype));
    if (shape_numel(in[i]->shape) != 1)
      fail("input {} must be a scalar, has shape {}", i, shape_str(in[i]->shape));
  }
}

// Number of elements, max(ceil((limit - start) / delta), 0). Integer inputs use exact integer
// arithmetic (128-bit, so i64 extremes cannot overflow); floats follow the spec in double.
std::int64_t range_count(const Tensor& start, const Tensor& limit, const Tensor& delta) {
  if (start.dtype() == DType::f32) {
    const double d = delta.at_f64(0);
    if (d == 0 || std::isnan(d)) fail("delta must be non-zero");
    const double n = std::ceil((limit.at_f64(0) - start.at_f64(0)) / d);
    if (!(n <= static_cast<double>(kMaxElements))) fail("range has too many elements");
    return n > 0 ? static_cast<std::int64_t>(n) : 0;
  }
  const __int128 d = delta.at_i64(0), diff = __int128{limit.at_i64(0)} - start.at_i64(0);
  if (d == 0) fail("delta must be non-zero");
  if ((diff > 0) != (d > 0) || diff == 0) return 0;
  const __int128 n = (diff + d + (d > 0 ? -1 : 1)) / d;  // ceil for same-signed operands
  if (n > kMaxElements) fail("range has too many elements");
  return static_cast<std::int64_t>(n);
}

void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 3, 3);
  check_types(in);
  for (int i = 0; i < 3; ++i)
    if (!in[i]->constant) unsupported("input '{}' must be a constant", in[i]->name);
  ops::set_output(out[0], in[0]->dtype,
                  {range_count(*in[0]->constant, *in[1]->constant, *in[2]->constant)});
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    T* y = out[0].data<T>();
    const std::int64_t n = out[0].numel();
    if constexpr (std::is_integral_v<T>) {
      const __int128 start = in[0].at_i64(0), delta = in[2].at_i64(0);
      for (std::int64_t i = 0; i < n; ++i)  // within [start, limit) by construction
        y[i] = static_cast<T>(start + i * delta);
    } else {
      const double start = in[0].at_f64(0), delta = in[2].at_f64(0);
      for (std::int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(start + i * delta);
    }
  });
}

}  // namespace
INFERLAB_REGISTER_OP({"Range", infer, run, true, {0, 1, 2}});
}  // namespace inferlab
