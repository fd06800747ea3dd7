#pragma once
// Small helpers shared by operator files: input checks, constant-input access, dtype dispatch and
// broadcasting index arithmetic.
#include <cstring>
#include <optional>
#include <set>

#include "ops/registry.h"

namespace inferlab::ops {

inline void set_output(Value* v, DType t, Shape s) {
  if (!v) return;
  shape_numel(s, "output '" + v->name + "'");
  v->dtype = t;
  v->shape = std::move(s);
  v->known = true;
}

inline void require_inputs(const std::vector<const Value*>& in, std::size_t min, std::size_t max) {
  std::size_t present = in.size();
  if (present < min || present > max) {
    if (min == max) fail("expects {} inputs, got {}", min, present);
    fail("expects {} to {} inputs, got {}", min, max, present);
  }
  for (std::size_t i = 0; i < min; ++i)
    if (!in[i]) fail("required input {} is missing", i);
}

// Every dimension >= 1: weights and channel counts are divisors later (per-channel work, MAC
// counts), so an empty one is rejected here rather than dividing by zero downstream.
inline void require_positive_dims(const Shape& s, const char* what) {
  for (std::int64_t d : s)
    if (d < 1) fail("{} shape {} has an empty dimension", what, shape_str(s));
}

inline const Value* opt(const std::vector<const Value*>& in, std::size_t i) {
  return i < in.size() ? in[i] : nullptr;
}

inline void require_float(const Value* v, const char* what = "input") {
  if (v->dtype != DType::f32)
    unsupported("{} of type {} is not supported (f32 only)", what, dtype_name(v->dtype));
}

// Integer values of a constant input (e.g. Reshape's shape); Unsupported when not constant,
// since shapes must be static at compile time.
inline std::vector<std::int64_t> const_ints(const Value* v, const char* what) {
  if (!v->constant) unsupported("input '{}' ({}) must be a constant", v->name, what);
  std::vector<std::int64_t> out(static_cast<std::size_t>(v->constant->numel()));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = v->constant->at_i64(static_cast<std::int64_t>(i));
  return out;
}

inline std::vector<float> const_floats(const Value* v, const char* what) {
  if (!v->constant) unsupported("input '{}' ({}) must be a constant", v->name, what);
  std::vector<float> out(static_cast<std::size_t>(v->constant->numel()));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<float>(v->constant->at_f64(static_cast<std::int64_t>(i)));
  return out;
}

// The kernel-side inputs seen as constant Values, so a kernel can reuse the parameter parsing
// (scales, pads, axes...) its shape inference does. Absent inputs are nullptr.
struct ConstantValues {
  std::vector<Value> values;
  std::vector<const Value*> ptrs;
  explicit ConstantValues(const std::vector<Tensor>& in)
      : values(in.size()), ptrs(in.size(), nullptr) {
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i].empty()) continue;
      values[i].dtype = in[i].dtype();
      values[i].shape = in[i].shape();
      values[i].known = true;
      values[i].constant = in[i];
      ptrs[i] = &values[i];
    }
  }
};

// Shape after reducing `axes` (kept as 1 with keepdims).
inline Shape reduced_shape(const Shape& s, const std::set<int>& axes, bool keepdims) {
  Shape r;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!axes.count(static_cast<int>(i))) {
      r.push_back(s[i]);
    } else if (keepdims) {
      r.push_back(1);
    }
  }
  return r;
}

// Strides of `in` (right-aligned to `out`'s rank) with 0 on broadcast dimensions.
inline std::vector<std::int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<std::int64_t> st(out.size(), 0);
  const auto dense = shape_strides(in);
  const std::size_t off = out.size() - in.size();
  for (std::size_t i = 0; i < in.size(); ++i) st[off + i] = in[i] == 1 ? 0 : dense[i];
  return st;
}

// Calls f(out_index, a_index, b_index) for every element of `out` under broadcasting.
template <typename F>
void for_each_broadcast(const Shape& a, const Shape& b, const Shape& out, F&& f) {
  const auto sa = broadcast_strides(a, out), sb = broadcast_strides(b, out);
  const std::size_t r = out.size();
  const std::int64_t n = shape_numel(out);
  std::vector<std::int64_t> idx(r, 0);
  std::int64_t ia = 0, ib = 0;
  for (std::int64_t o = 0; o < n; ++o) {
    f(o, ia, ib);
    for (std::size_t d = r; d-- > 0;) {
      ++idx[d];
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < out[d]) break;
      ia -= sa[d] * out[d];
      ib -= sb[d] * out[d];
      idx[d] = 0;
    }
  }
}

// Calls f.template operator()<T>() with T the C++ type of `t` (numeric types only).
template <typename F>
decltype(auto) dispatch_numeric(DType t, F&& f) {
  switch (t) {
    case DType::f32:
      return f.template operator()<float>();
    case DType::i8:
      return f.template operator()<std::int8_t>();
    case DType::u8:
      return f.template operator()<std::uint8_t>();
    case DType::i32:
      return f.template operator()<std::int32_t>();
    case DType::i64:
      return f.template operator()<std::int64_t>();
    default:
      break;
  }
  unsupported("element type {} is not supported here", dtype_name(t));
}

}  // namespace inferlab::ops
