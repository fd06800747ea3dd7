#include "inferlab/lab/fma_peak.h"
#include "analysis/peak_loop.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace inferlab {
namespace {

using peak_loop::elapsed_since;
using peak_loop::kChains;
using peak_loop::kIterations;

// Each chain is a dependent series of FMAs; chains are independent. The values stay bounded
// (x*a + b with a just under 1) so nothing becomes denormal or infinite. The loop body is the same
// for every ISA; only the vector type and intrinsics differ, hence the macro.
#define INFERLAB_FMA_CHAINS(VEC, SET1, FMA, LANES)                   \
  VEC acc[kChains];                                                  \
  for (int c = 0; c < kChains; ++c) acc[c] = SET1(1.0f + 0.01f * c); \
  const VEC a = SET1(0.999999f), b = SET1(1e-7f);                    \
  const auto t0 = std::chrono::steady_clock::now();                  \
  for (long i = 0; i < kIterations; ++i)                             \
    for (int c = 0; c < kChains; ++c) acc[c] = FMA(acc[c], a, b);    \
  seconds = elapsed_since(t0);                                       \
  float sink = 0;                                                    \
  for (int c = 0; c < kChains; ++c) {                                \
    float lanes[16];                                                 \
    std::memcpy(lanes, &acc[c], sizeof(VEC));                        \
    sink += lanes[0];                                                \
  }                                                                  \
  asm volatile("" : : "x"(sink));                                    \
  return 2.0 * (LANES)*kChains * static_cast<double>(kIterations) / seconds / 1e9;

__attribute__((target("avx512f"))) double run_avx512(double& seconds) {
  INFERLAB_FMA_CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps, 16)
}

__attribute__((target("avx2,fma"))) double run_avx2(double& seconds) {
  INFERLAB_FMA_CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps, 8)
}

float scalar_set1(float v) {
  return v;
}
float scalar_fma(float x, float a, float b) {
  return x * a + b;
}
double run_scalar(double& seconds) {
  INFERLAB_FMA_CHAINS(float, scalar_set1, scalar_fma, 1)
}

}  // namespace

FmaPeak measure_fma_peak(int repetitions) {
  FmaPeak best;
  best.independent_chains = kChains;
  __builtin_cpu_init();
  for (int r = 0; r < std::max(1, repetitions); ++r) {
    double s = 0, g = 0;
    if (__builtin_cpu_supports("avx512f")) {
      best.isa = "avx512f";
      g = run_avx512(s);
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      best.isa = "avx2+fma";
      g = run_avx2(s);
    } else {
      best.isa = "scalar";
      g = run_scalar(s);
    }
    if (g > best.gflops) {
      best.gflops = g;
      best.seconds = s;
    }
  }
  return best;
}

}  // namespace inferlab
