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

// Low-precision dot-product peaks of one core: BF16 (vdpbf16ps: 32 bf16 products summed into 16
// f32 lanes, 64 FLOP per instruction) and INT8 (vpdpbusd: 64 u8 x s8 products summed into 16 s32
// lanes, 128 OP per instruction), each measured like the FP32 peak. `supported` is false (and
// nothing is run) on a CPU without the instruction; `isa` then names what is missing.
struct DotPeak {
  bool supported = false;
  std::string isa;     // "avx512_bf16" / "avx512_vnni"
  double gops = 0;     // best of the repetitions (GFLOP/s for bf16, GOP/s for int8)
  double seconds = 0;  // duration of the best repetition
  int independent_chains = 0;
};
DotPeak measure_bf16_peak(int repetitions = 5);
DotPeak measure_int8_peak(int repetitions = 5);

}  // namespace inferlab
