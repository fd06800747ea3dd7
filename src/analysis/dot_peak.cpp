// BF16 (vdpbf16ps) and INT8 (vpdpbusd) peaks of one core. The kernels carry their own target
// attributes so that the rest of the build stays generic; they only run after the CPU reports
// the instruction set.
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "analysis/peak_loop.h"
#include "inferlab/lab/fma_peak.h"

namespace inferlab {
namespace {

using peak_loop::elapsed_since;
using peak_loop::kChains;
using peak_loop::kIterations;

// Independent accumulator chains; the increments are small so that nothing overflows (int8:
// 4 per lane per step, 8e7 at the end) or saturates (bf16: f32 accumulators).
__attribute__((target("avx512f,avx512bf16"))) double run_bf16(double& seconds) {
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(0.01f * static_cast<float>(c));
  const __m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(1e-3f));
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < kIterations; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_dpbf16_ps(acc[c], a, a);
  seconds = elapsed_since(t0);
  float sink = 0;
  for (int c = 0; c < kChains; ++c) {
    float lanes[16];
    std::memcpy(lanes, &acc[c], sizeof(lanes));
    sink += lanes[0];
  }
  asm volatile("" : : "x"(sink));
  return 64.0 * kChains * static_cast<double>(kIterations) / seconds / 1e9;
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) double run_int8(double& seconds) {
  __m512i acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_epi32(c);
  const __m512i a = _mm512_set1_epi8(1), b = _mm512_set1_epi8(1);
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < kIterations; ++i)
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_dpbusd_epi32(acc[c], a, b);
  seconds = elapsed_since(t0);
  int sink = 0;
  for (int c = 0; c < kChains; ++c) {
    int lanes[16];
    std::memcpy(lanes, &acc[c], sizeof(lanes));
    sink += lanes[0];
  }
  asm volatile("" : : "r"(sink));
  return 128.0 * kChains * static_cast<double>(kIterations) / seconds / 1e9;
}

DotPeak best_of(int repetitions, bool supported, const char* isa, double (*run)(double&)) {
  DotPeak best;
  best.supported = supported;
  best.isa = isa;
  best.independent_chains = kChains;
  if (!supported) return best;
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    double s = 0;
    const double g = run(s);
    if (g > best.gops) {
      best.gops = g;
      best.seconds = s;
    }
  }
  return best;
}

}  // namespace

DotPeak measure_bf16_peak(int repetitions) {
  __builtin_cpu_init();
  const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
  return best_of(repetitions, ok, "avx512_bf16", run_bf16);
}

DotPeak measure_int8_peak(int repetitions) {
  __builtin_cpu_init();
  const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512vnni");
  return best_of(repetitions, ok, "avx512_vnni", run_int8);
}

}  // namespace inferlab
