#include "runtime/optimized_postops.h"

#include <algorithm>
#include <cmath>

namespace inferlab {

void apply_post_ops_plain(const std::vector<PostOp>& posts, Tensor& y, const Tensor& sum) {
  float* d = y.data<float>();
  const std::int64_t n = y.numel();
  for (const PostOp& p : posts) {
    switch (p.kind) {
      case PostOpKind::sum: {
        if (sum.empty() || sum.numel() != n) fail("fused residual operand is missing");
        const float* s = sum.data<float>();
        for (std::int64_t i = 0; i < n; ++i) d[i] += p.alpha * s[i];
        break;
      }
      case PostOpKind::relu:
        for (std::int64_t i = 0; i < n; ++i) d[i] = d[i] < 0 ? d[i] * p.alpha : d[i];
        break;
      case PostOpKind::clip:
        for (std::int64_t i = 0; i < n; ++i) d[i] = std::min(std::max(d[i], p.alpha), p.beta);
        break;
      case PostOpKind::sigmoid:
        for (std::int64_t i = 0; i < n; ++i) d[i] = 1.f / (1.f + std::exp(-d[i]));
        break;
      case PostOpKind::depthwise:
        // Refused when compiling (PlanBuilder::add_reference): fuse_depthwise keeps a pair fused
        // only when oneDNN builds it.
        fail("a fused depthwise convolution has no reference path");
      case PostOpKind::hardswish:
        for (std::int64_t i = 0; i < n; ++i)
          d[i] = d[i] * std::min(std::max(d[i] + 3.f, 0.f), 6.f) / 6.f;
        break;
    }
  }
}

}  // namespace inferlab
