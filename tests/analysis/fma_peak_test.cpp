#include <gtest/gtest.h>

#include "inferlab/lab/fma_peak.h"

using namespace inferlab;

// Not a speed assertion: checks the measurement is well formed and picks the CPU's widest ISA.
TEST(FmaPeak, ReportsPositiveRateForWidestIsa) {
  const FmaPeak p = measure_fma_peak(1);
  EXPECT_GT(p.gflops, 0.0);
  EXPECT_GT(p.seconds, 0.0);
  EXPECT_EQ(p.independent_chains, 12);
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    EXPECT_EQ(p.isa, "avx512f");
  }
}
