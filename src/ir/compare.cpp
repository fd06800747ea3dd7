#include "inferlab/lab/tensor_compare.h"

#include <fmt/format.h>

#include <cmath>

namespace inferlab {

TensorDiff compare_tensors(const Tensor& a, const Tensor& e, double rtol, double atol) {
  TensorDiff d;
  if (a.dtype() != e.dtype()) {
    d.ok = false;
    d.reason = fmt::format("type {} != expected {}", dtype_name(a.dtype()), dtype_name(e.dtype()));
    return d;
  }
  if (a.shape() != e.shape()) {
    d.ok = false;
    d.reason = fmt::format("shape {} != expected {}", shape_str(a.shape()), shape_str(e.shape()));
    return d;
  }
  const bool integral = a.dtype() == DType::i64 || a.dtype() == DType::i32;
  for (std::int64_t i = 0; i < a.numel(); ++i) {
    const double x = integral ? static_cast<double>(a.at_i64(i)) : a.at_f64(i);
    const double y = integral ? static_cast<double>(e.at_i64(i)) : e.at_f64(i);
    if (std::isnan(x) || std::isnan(y)) {
      if (std::isnan(x) != std::isnan(y)) ++d.mismatches;
      continue;
    }
    if (std::isinf(x) || std::isinf(y)) {
      if (x != y) ++d.mismatches;
      continue;
    }
    const double diff = std::fabs(x - y);
    d.max_abs = std::max(d.max_abs, diff);
    if (y != 0) d.max_rel = std::max(d.max_rel, diff / std::fabs(y));
    if (diff > atol + rtol * std::fabs(y)) ++d.mismatches;
  }
  if (d.mismatches) {
    d.ok = false;
    d.reason = fmt::format("{} of {} elements differ: max abs err {:.3g}, max rel err {:.3g}",
                           d.mismatches, a.numel(), d.max_abs, d.max_rel);
  }
  return d;
}

}  // namespace inferlab
