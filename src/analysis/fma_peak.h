#pragma once
// Measures the FP32 fused-multiply-add peak of one core: the denominator of "fraction of machine
// peak" figures and the compute roof of roofline plots.
#include <string>

namespace inferlab {

struct FmaPeak {
  std::string isa;     // "avx512f", "avx2+fma" or "scalar"
  double gflops = 0;   // best of the repetitions, 2 FLOP per FMA lane
  double seconds = 0;  // duration of the best repetition
  int independent_chains = 0;
};

// Runs `repetitions` timed loops of independent FMA chains (enough of them to cover the FMA
// latency x throughput product) on the calling thread, with the widest ISA the CPU supports.
FmaPeak measure_fma_peak(int repetitions = 5);

}  // namespace inferlab
