#pragma once
// Numerical agreement of two backends' outputs on the same inputs (inferlab compare).
#include <string>

#include "inferlab/lab/backend.h"

namespace inferlab::backends {

struct OutputAgreement {
  bool comparable = false;
  std::string note;    // why not comparable, or how outputs were matched
  double max_abs = 0;  // max |a - b| over every element of every output
  // Per output, max |a - b| / max |ref| (the output's own scale); the max over outputs. An
  // element-wise ratio is meaningless for values near zero: two correct FP32 runs differ there
  // by 1e-1 relative (SSD300's scores, native vs ONNX Runtime), so it is kept apart below.
  double max_rel = 0;
  double max_elem_rel = 0;  // max |a - b| / max(|ref|, 1e-6), element by element
  std::int64_t rows = 0;    // classifier rows compared for top-1
  std::int64_t top1_same = 0;
  double top1_agreement() const { return rows ? static_cast<double>(top1_same) / rows : 1.0; }
};

// Matches outputs by name (or the single output of each when names differ) and compares them.
OutputAgreement compare_outputs(const TensorMap& reference, const TensorMap& other);

}  // namespace inferlab::backends
