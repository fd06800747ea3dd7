// The vectorised per-tensor QuantizeLinear loop against the scalar rounding rule, element by
// element: halfway points (half to even), saturation at both ends, NaN, infinities, signed
// zero, every length around the 16-wide blocks, u8 and s8, zero points inside the range.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ops/quantize_span.h"

using inferlab::ops::quantize_span;
using inferlab::ops::round_saturate;

namespace {

std::vector<float> test_values(float scale) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> v = {0.f,
                          -0.f,
                          std::nanf(""),
                          -std::nanf(""),
                          inf,
                          -inf,
                          1e30f,
                          -1e30f,
                          std::numeric_limits<float>::denorm_min(),
                          3e9f,
                          -3e9f};
  for (int k = -300; k <= 300; ++k) {  // exact halves and their neighbours, in x / scale units
    const float h = (static_cast<float>(k) + 0.5f) * scale;
    v.insert(v.end(),
             {h, std::nextafter(h, inf), std::nextafter(h, -inf), static_cast<float>(k) * scale});
  }
  std::uint64_t r = 99;
  for (int i = 0; i < 2000; ++i) {
    r = r * 6364136223846793005ULL + 1442695040888963407ULL;
    v.push_back((static_cast<float>(r >> 40) / static_cast<float>(1ULL << 24) - 0.5f) * 700 *
                scale);
  }
  return v;
}

template <typename Q>
void check(float scale, std::int32_t zp) {
  const std::int32_t lo = std::numeric_limits<Q>::min(), hi = std::numeric_limits<Q>::max();
  const std::vector<float> all = test_values(scale);
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16},
                        std::size_t{17}, std::size_t{33}, all.size()}) {
    std::vector<Q> y(n);
    quantize_span(all.data(), static_cast<std::int64_t>(n), scale, zp, y.data());
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_EQ(static_cast<int>(y[i]), round_saturate(all[i] / scale, zp, lo, hi))
          << "x=" << all[i] << " scale=" << scale << " zp=" << zp << " n=" << n << " i=" << i;
  }
}

}  // namespace

TEST(QuantizeSpan, MatchesTheScalarRuleU8) {
  for (float scale : {1.f, 0.5f, 0.0173f, 3.7f})
    for (std::int32_t zp : {0, 1, 128, 255}) check<std::uint8_t>(scale, zp);
}

TEST(QuantizeSpan, MatchesTheScalarRuleS8) {
  for (float scale : {1.f, 0.25f, 0.0091f, 12.f})
    for (std::int32_t zp : {0, -128, -3, 127}) check<std::int8_t>(scale, zp);
}
