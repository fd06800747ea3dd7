#pragma once
// Element-wise comparison of tensors: the one definition of "outputs agree" used by `check`,
// engine tests and backend comparisons.
#include <string>

#include "inferlab/tensor.h"

namespace inferlab {

struct TensorDiff {
  bool ok = true;      // same dtype and shape, every |a-b| <= atol + rtol*|b|
  double max_abs = 0;  // over all elements
  double max_rel = 0;  // |a-b| / |b| over elements with b != 0
  std::int64_t mismatches = 0;
  std::string reason;  // set when !ok: what differs
};

// `expected` is the reference. NaN equals NaN; infinities must match exactly.
TensorDiff compare_tensors(const Tensor& actual, const Tensor& expected, double rtol, double atol);

}  // namespace inferlab
