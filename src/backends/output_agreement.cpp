#include "inferlab/lab/output_agreement.h"

#include <cmath>

#include "ir/error.h"

namespace inferlab::backends {
namespace {

void compare_one(const Tensor& ref, const Tensor& other, OutputAgreement& a) {
  const Tensor r = ref.dtype() == DType::f32 ? ref : ref.cast(DType::f32);
  const Tensor o = other.dtype() == DType::f32 ? other : other.cast(DType::f32);
  if (r.numel() != o.numel())
    fail("output shapes differ: {} vs {}", shape_str(r.shape()), shape_str(o.shape()));
  const float* p = r.data<float>();
  const float* q = o.data<float>();
  double scale = 0, out_abs = 0;
  for (std::int64_t i = 0; i < r.numel(); ++i) {
    const double d = std::fabs(static_cast<double>(p[i]) - q[i]);
    if (std::isnan(d)) {
      a.max_abs = a.max_rel = a.max_elem_rel = out_abs = INFINITY;
      continue;
    }
    scale = std::max(scale, std::fabs(static_cast<double>(p[i])));
    out_abs = std::max(out_abs, d);
    a.max_elem_rel =
        std::max(a.max_elem_rel, d / std::max(std::fabs(static_cast<double>(p[i])), 1e-6));
  }
  a.max_abs = std::max(a.max_abs, out_abs);
  a.max_rel = std::max(a.max_rel, out_abs / std::max(scale, 1e-6));
  // Classifier-like output [N, C] or [N, C, 1, 1]: top-1 per row.
  const Shape& s = r.shape();
  bool classifier = s.size() >= 2 && s[1] > 1;
  for (std::size_t i = 2; i < s.size(); ++i) classifier = classifier && s[i] == 1;
  if (!classifier) return;
  const std::int64_t n = s[0], c = s[1];
  for (std::int64_t row = 0; row < n; ++row) {
    std::int64_t br = 0, bo = 0;
    for (std::int64_t k = 1; k < c; ++k) {
      if (p[row * c + k] > p[row * c + br]) br = k;
      if (q[row * c + k] > q[row * c + bo]) bo = k;
    }
    ++a.rows;
    if (br == bo) ++a.top1_same;
  }
}

}  // namespace

OutputAgreement compare_outputs(const TensorMap& reference, const TensorMap& other) {
  OutputAgreement a;
  if (other.empty()) {
    a.note = "the backend returned no outputs";
    return a;
  }
  bool by_name = !reference.empty();
  for (const auto& [name, t] : reference) by_name = by_name && other.count(name);
  try {
    if (by_name) {
      for (const auto& [name, t] : reference) compare_one(t, other.at(name), a);
      a.note = "matched by name";
    } else if (reference.size() == 1 && other.size() == 1) {
      compare_one(reference.begin()->second, other.begin()->second, a);
      a.note = "single outputs (names differ)";
    } else {
      a.note = "outputs cannot be matched by name";
      return a;
    }
  } catch (const Error& e) {
    a.note = e.what();
    return a;
  }
  a.comparable = true;
  return a;
}

}  // namespace inferlab::backends
