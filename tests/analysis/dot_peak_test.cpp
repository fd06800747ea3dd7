#include <gtest/gtest.h>

#include "inferlab/lab/fma_peak.h"

using namespace inferlab;

// Not speed assertions: the measurement is well formed where the CPU has the instruction, and
// reports "unsupported" (with nothing measured) where it does not.
TEST(DotPeak, Bf16MatchesCpuSupport) {
  __builtin_cpu_init();
  const DotPeak p = measure_bf16_peak(1);
  EXPECT_EQ(p.isa, "avx512_bf16");
  EXPECT_EQ(p.supported, __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16"));
  if (p.supported) {
    EXPECT_GT(p.gops, 0.0);
    EXPECT_GT(p.seconds, 0.0);
  } else {
    EXPECT_EQ(p.gops, 0.0);
  }
}

TEST(DotPeak, Int8MatchesCpuSupport) {
  __builtin_cpu_init();
  const DotPeak p = measure_int8_peak(1);
  EXPECT_EQ(p.isa, "avx512_vnni");
  EXPECT_EQ(p.supported, __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                             __builtin_cpu_supports("avx512vnni"));
  if (p.supported) {
    EXPECT_GT(p.gops, 0.0);
  } else {
    EXPECT_EQ(p.gops, 0.0);
  }
}
