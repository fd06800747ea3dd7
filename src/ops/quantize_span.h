#pragma once
// QuantizeLinear's inner loop for one scale and zero point over contiguous f32 values:
// y = saturate(round_half_even(x / scale) + zero_point), NaN -> zero point, bitwise equal to
// round_saturate() element by element (tests/ops_quant/quantize_span_test.cpp). The per-element
// scalar form calls nearbyintf through the PLT; on x86-64 this form divides and rounds 16 values
// at a time with SSE2 (cvtps2dq rounds half to even under the default rounding mode, as
// nearbyint does), which made the network input's QuantizeLinear of an int8 ResNet-50 the
// largest non-convolution cost.
#include <cstdint>
#include <limits>
#include <type_traits>

#include "ops/quant_util.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace inferlab::ops {

template <typename Q>
void quantize_span(const float* x, std::int64_t n, float scale, std::int32_t zero_point, Q* y) {
  static_assert(sizeof(Q) == 1, "u8 or s8");
  const std::int32_t lo = std::numeric_limits<Q>::min(), hi = std::numeric_limits<Q>::max();
  std::int64_t i = 0;
#if defined(__SSE2__)
  // Clamping the quotient to [lo - zp, hi - zp] (integers, exact in float) before rounding
  // gives the same saturated result as rounding first; NaN is zeroed so it lands on zp.
  const __m128 s = _mm_set1_ps(scale);
  const __m128 qlo = _mm_set1_ps(static_cast<float>(lo - zero_point));
  const __m128 qhi = _mm_set1_ps(static_cast<float>(hi - zero_point));
  const __m128i zp = _mm_set1_epi32(zero_point);
  auto four = [&](const float* p) {
    __m128 q = _mm_div_ps(_mm_loadu_ps(p), s);
    q = _mm_and_ps(q, _mm_cmpord_ps(q, q));
    q = _mm_min_ps(_mm_max_ps(q, qlo), qhi);
    return _mm_add_epi32(_mm_cvtps_epi32(q), zp);
  };
  for (; i + 16 <= n; i += 16) {
    const __m128i a = _mm_packs_epi32(four(x + i), four(x + i + 4));
    const __m128i b = _mm_packs_epi32(four(x + i + 8), four(x + i + 12));
    const __m128i r = std::is_signed_v<Q> ? _mm_packs_epi16(a, b) : _mm_packus_epi16(a, b);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), r);
  }
#endif
  for (; i < n; ++i) y[i] = static_cast<Q>(round_saturate(x[i] / scale, zero_point, lo, hi));
}

}  // namespace inferlab::ops
