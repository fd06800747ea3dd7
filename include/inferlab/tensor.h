#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "inferlab/dtype.h"
#include "inferlab/shape.h"

namespace inferlab {

// A dense row-major tensor. Storage is shared (copying a Tensor is cheap and aliases the data);
// use clone() for a deep copy. Buffers are 64-byte aligned for vector kernels.
class Tensor {
 public:
  Tensor() = default;
  // Allocates zero-initialised storage.
  Tensor(DType dtype, Shape shape);
  // Views external memory that outlives the tensor (e.g. a slot of a memory arena).
  static Tensor view(DType dtype, Shape shape, void* data);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::size_t rank() const { return shape_.size(); }
  std::int64_t numel() const { return numel_; }
  std::size_t nbytes() const { return static_cast<std::size_t>(numel_) * dtype_size(dtype_); }
  bool empty() const { return dtype_ == DType::undefined; }

  void* raw() { return data_; }
  const void* raw() const { return data_; }
  template <typename T>
  T* data() {
    check_type(dtype_of<T>());
    return static_cast<T*>(data_);
  }
  template <typename T>
  const T* data() const {
    check_type(dtype_of<T>());
    return static_cast<const T*>(data_);
  }

  Tensor clone() const;
  // Same storage, new shape with the same element count.
  Tensor reshaped(Shape shape) const;
  // Element i converted to double / int64 (any dtype): for shape computations and tests.
  double at_f64(std::int64_t i) const;
  std::int64_t at_i64(std::int64_t i) const;
  // A tensor of `to` holding this tensor's values converted element-wise (saturating for ints).
  Tensor cast(DType to) const;

 private:
  void check_type(DType t) const;

  DType dtype_ = DType::undefined;
  Shape shape_;
  std::int64_t numel_ = 0;
  std::shared_ptr<std::byte> storage_;
  void* data_ = nullptr;
};

}  // namespace inferlab
