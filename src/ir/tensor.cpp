#include "ir/tensor.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace inferlab {

namespace {
std::shared_ptr<std::byte> allocate(std::size_t bytes) {
  const std::size_t rounded = (std::max<std::size_t>(bytes, 1) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (!p) fail(ErrorCode::out_of_memory, "out of memory allocating {} bytes", bytes);
  std::memset(p, 0, rounded);
  return std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* q) { std::free(q); });
}

template <typename To>
To saturate(double v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != 0.0;
  } else if constexpr (std::is_integral_v<To>) {
    if (std::isnan(v)) return 0;
    if (v <= static_cast<double>(std::numeric_limits<To>::min()))
      return std::numeric_limits<To>::min();
    if (v >= static_cast<double>(std::numeric_limits<To>::max()))
      return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}
}  // namespace

Tensor::Tensor(DType dtype, Shape shape)
    : dtype_(dtype), shape_(std::move(shape)), numel_(shape_numel(shape_)) {
  if (dtype_ == DType::undefined) fail("cannot allocate a tensor of undefined element type");
  storage_ = allocate(nbytes());
  data_ = storage_.get();
}

Tensor Tensor::view(DType dtype, Shape shape, void* data) {
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.numel_ = shape_numel(t.shape_);
  t.data_ = data;
  return t;
}

Tensor Tensor::clone() const {
  if (empty()) return {};
  Tensor t(dtype_, shape_);
  std::memcpy(t.data_, data_, nbytes());
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shape_numel(shape) != numel_) {
    fail("cannot reshape {} to {}", shape_str(shape_), shape_str(shape));
  }
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

void Tensor::check_type(DType t) const {
  if (t != dtype_)
    fail("tensor holds {} but was accessed as {}", dtype_name(dtype_), dtype_name(t));
}

double Tensor::at_f64(std::int64_t i) const {
  switch (dtype_) {
    case DType::f32:
      return static_cast<const float*>(data_)[i];
    case DType::f16:
      return f16_to_f32(static_cast<const std::uint16_t*>(data_)[i]);
    case DType::bf16:
      return bf16_to_f32(static_cast<const std::uint16_t*>(data_)[i]);
    case DType::i8:
      return static_cast<const std::int8_t*>(data_)[i];
    case DType::u8:
      return static_cast<const std::uint8_t*>(data_)[i];
    case DType::i32:
      return static_cast<const std::int32_t*>(data_)[i];
    case DType::i64:
      return static_cast<double>(static_cast<const std::int64_t*>(data_)[i]);
    case DType::boolean:
      return static_cast<const std::uint8_t*>(data_)[i] ? 1.0 : 0.0;
    case DType::undefined:
      break;
  }
  fail("read from an empty tensor");
}

std::int64_t Tensor::at_i64(std::int64_t i) const {
  switch (dtype_) {
    case DType::i64:
      return static_cast<const std::int64_t*>(data_)[i];
    case DType::i32:
      return static_cast<const std::int32_t*>(data_)[i];
    default:
      return static_cast<std::int64_t>(at_f64(i));
  }
}

Tensor Tensor::cast(DType to) const {
  Tensor out(to, shape_);
  if (to == dtype_) {
    std::memcpy(out.data_, data_, nbytes());
    return out;
  }
  if (dtype_ == DType::i64 && to == DType::i32) {  // exact path for index tensors
    for (std::int64_t i = 0; i < numel_; ++i)
      out.data<std::int32_t>()[i] = saturate<std::int32_t>(static_cast<double>(at_i64(i)));
    return out;
  }
  for (std::int64_t i = 0; i < numel_; ++i) {
    const double v = dtype_ == DType::i64 ? static_cast<double>(at_i64(i)) : at_f64(i);
    switch (to) {
      case DType::f32:
        static_cast<float*>(out.data_)[i] = static_cast<float>(v);
        break;
      case DType::f16:
        static_cast<std::uint16_t*>(out.data_)[i] = f32_to_f16(static_cast<float>(v));
        break;
      case DType::bf16:
        static_cast<std::uint16_t*>(out.data_)[i] = f32_to_bf16(static_cast<float>(v));
        break;
      case DType::i8:
        static_cast<std::int8_t*>(out.data_)[i] = saturate<std::int8_t>(v);
        break;
      case DType::u8:
        static_cast<std::uint8_t*>(out.data_)[i] = saturate<std::uint8_t>(v);
        break;
      case DType::i32:
        static_cast<std::int32_t*>(out.data_)[i] = saturate<std::int32_t>(v);
        break;
      case DType::i64:
        static_cast<std::int64_t*>(out.data_)[i] =
            dtype_ == DType::i64 ? at_i64(i) : saturate<std::int64_t>(v);
        break;
      case DType::boolean:
        static_cast<std::uint8_t*>(out.data_)[i] = v != 0.0;
        break;
      case DType::undefined:
        fail("cast to undefined element type");
    }
  }
  return out;
}

}  // namespace inferlab
