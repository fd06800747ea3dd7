#pragma once
// Shared by the quantization operators: the ONNX rounding rule (round half to even, then saturate
// to the integer type), per-tensor / per-axis scales and zero points, and their validation.
// Validation runs at shape inference, so a bad constant scale or zero point is reported once,
// at compile time, naming the node.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "ops/op_util.h"

namespace inferlab::ops {

inline bool is_quant_type(DType t) {
  return t == DType::u8 || t == DType::i8;
}
inline std::int32_t quant_min(DType t) {
  return t == DType::u8 ? 0 : t == DType::i8 ? -128 : std::numeric_limits<std::int32_t>::min();
}
inline std::int32_t quant_max(DType t) {
  return t == DType::u8 ? 255 : t == DType::i8 ? 127 : std::numeric_limits<std::int32_t>::max();
}

// nearbyint rounds half to even under the default rounding mode, as ONNX requires; the zero
// point is added before saturation. NaN saturates to the zero point (as ONNX Runtime does).
inline std::int32_t round_saturate(float v, std::int32_t zero_point, std::int32_t lo,
                                   std::int32_t hi) {
  if (std::isnan(v)) return std::clamp(zero_point, lo, hi);
  const double r = static_cast<double>(std::nearbyint(v)) + zero_point;
  if (r <= lo) return lo;
  if (r >= hi) return hi;
  return static_cast<std::int32_t>(r);
}

// Requantizes int32 accumulators into `out` (u8 or s8): element i becomes
// round_saturate(acc[i] x multiplier(i), zero_point). QLinearConv and QLinearMatMul differ only
// in which input and weight scales make up the multiplier of an element.
template <class Multiplier>
void requantize(const std::vector<std::int32_t>& acc, const Multiplier& multiplier,
                std::int32_t zero_point, Tensor& out) {
  const DType t = out.dtype();
  const std::int32_t lo = quant_min(t), hi = quant_max(t);
  for (std::int64_t i = 0; i < out.numel(); ++i) {
    const std::int32_t q = round_saturate(
        static_cast<float>(acc[static_cast<std::size_t>(i)]) * multiplier(i), zero_point, lo, hi);
    if (t == DType::u8) {
      out.data<std::uint8_t>()[i] = static_cast<std::uint8_t>(q);
    } else {
      out.data<std::int8_t>()[i] = static_cast<std::int8_t>(q);
    }
  }
}

// Scales and zero points resolved for one quantized tensor: one value (per tensor) or one per
// index along `axis` (per axis). Element i of the tensor uses entry at(i).
struct QuantParams {
  std::vector<float> scale;
  std::vector<std::int32_t> zero_point;  // same length as scale; zeros when absent
  std::int64_t axis_dim = 1, inner = 1;
  std::size_t at(std::int64_t i) const {
    return scale.size() == 1 ? 0 : static_cast<std::size_t>((i / inner) % axis_dim);
  }
};

// Values of a scale/zero point tensor as float / int32 (any numeric dtype).
inline std::vector<float> float_values(const Tensor& t) {
  std::vector<float> v(static_cast<std::size_t>(t.numel()));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<float>(t.at_f64(static_cast<std::int64_t>(i)));
  return v;
}
inline std::vector<std::int32_t> int_values(const Tensor& t) {
  std::vector<std::int32_t> v(static_cast<std::size_t>(t.numel()));
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<std::int32_t>(t.at_i64(static_cast<std::int64_t>(i)));
  return v;
}

// `axis` < 0 means per tensor only. `zero_point` may be empty (all zeros).
inline QuantParams quant_params(const Tensor& scale, const Tensor& zero_point, const Shape& x,
                                std::int64_t axis) {
  QuantParams p;
  p.scale = float_values(scale);
  p.zero_point =
      zero_point.empty() ? std::vector<std::int32_t>(p.scale.size(), 0) : int_values(zero_point);
  if (p.scale.size() > 1 && axis >= 0) {
    p.axis_dim = x[static_cast<std::size_t>(axis)];
    for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < x.size(); ++d) p.inner *= x[d];
  }
  return p;
}

// Normalises an axis attribute against rank r (negative counts from the end).
inline std::int64_t normalize_axis(std::int64_t axis, std::size_t r) {
  const auto rank = static_cast<std::int64_t>(r);
  if (axis < -rank || axis >= rank) fail("axis {} is out of range for rank {}", axis, rank);
  return axis < 0 ? axis + rank : axis;
}

// The axis of a per-axis scale (opset 13's `axis`, default 1), or -1 when the scale is a scalar
// or the node's opset (10) only has per-tensor quantization.
inline std::int64_t quant_axis(const Node& n, const Value* scale, std::size_t rank) {
  const bool scalar = scale->shape.size() <= 1 && shape_numel(scale->shape) == 1;
  if (scalar || n.opset < 13) return -1;
  return normalize_axis(n.attrs.get_int("axis", 1), rank);
}

// Checks a scale and its optional zero point for a quantized tensor of shape `x` and integer
// type `qtype`: a scalar (or 1-element) pair, or, when `axis` >= 0, 1-D with x[axis] entries;
// f32 scales; a zero point of the quantized type (int32 zero points must be 0); constant scales
// positive and finite, constant zero points within the type's range. `what` names the pair.
inline void check_quant_inputs(const Value* scale, const Value* zp, const Shape& x, DType qtype,
                               std::int64_t axis, const std::string& what) {
  if (scale->dtype != DType::f32)
    unsupported("{} scale '{}' of type {} is not supported (f32 only)", what, scale->name,
                dtype_name(scale->dtype));
  const std::int64_t n = shape_numel(scale->shape);
  const bool scalar = scale->shape.size() <= 1 && n == 1;
  if (!scalar) {
    if (axis < 0)
      fail("{} scale '{}' must be a scalar, got shape {}", what, scale->name,
           shape_str(scale->shape));
    const std::int64_t dim = x[static_cast<std::size_t>(axis)];
    if (scale->shape.size() != 1 || n != dim)
      fail("{} scale '{}' has shape {}, but axis {} of the quantized tensor {} has {} entries",
           what, scale->name, shape_str(scale->shape), axis, shape_str(x), dim);
  }
  if (scale->constant) {
    const auto v = float_values(*scale->constant);
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!(v[i] > 0.f) || !std::isfinite(v[i]))
        fail("{} scale '{}'[{}] = {} is not a positive finite number", what, scale->name, i, v[i]);
  }
  if (!zp) return;
  if (zp->dtype != qtype && !(qtype == DType::i32 && zp->dtype == DType::i32))
    fail("{} zero point '{}' has type {}, but the quantized tensor is {}", what, zp->name,
         dtype_name(zp->dtype), dtype_name(qtype));
  if (shape_numel(zp->shape) != n)
    fail("{} zero point '{}' has shape {}, its scale '{}' {}", what, zp->name, shape_str(zp->shape),
         scale->name, shape_str(scale->shape));
  if (zp->constant) {
    const auto v = int_values(*zp->constant);
    const std::int32_t lo = qtype == DType::i32 ? 0 : quant_min(qtype);
    const std::int32_t hi = qtype == DType::i32 ? 0 : quant_max(qtype);
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i] < lo || v[i] > hi)
        fail("{} zero point '{}'[{}] = {} is out of range [{}, {}]", what, zp->name, i, v[i], lo,
             hi);
  }
}

// A zero point that is a scalar or absent (ConvInteger's x_zero_point and the like); per-axis
// ones go through check_quant_inputs.
inline void check_zero_point(const Value* zp, DType qtype, std::int64_t allowed_len,
                             const std::string& what) {
  if (!zp) return;
  if (zp->dtype != qtype)
    fail("{} zero point '{}' has type {}, but the quantized tensor is {}", what, zp->name,
         dtype_name(zp->dtype), dtype_name(qtype));
  const std::int64_t n = shape_numel(zp->shape);
  if (zp->shape.size() > 1 || (n != 1 && n != allowed_len))
    fail("{} zero point '{}' has shape {}: expected a scalar{}", what, zp->name,
         shape_str(zp->shape),
         allowed_len > 1 ? fmt::format(" or {} values", allowed_len) : std::string());
}

inline void require_quant_type(const Value* v, const std::string& what) {
  if (!is_quant_type(v->dtype))
    unsupported("{} '{}' of type {} is not supported (uint8 or int8)", what, v->name,
                dtype_name(v->dtype));
}

}  // namespace inferlab::ops
