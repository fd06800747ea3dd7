// `inferlab peak`: the FP32 FMA, BF16 and INT8 dot-product peaks of one core (the roofs for
// "fraction of peak" figures at each precision).
#include <fmt/format.h>

#include "command.h"
#include "inferlab/lab/fma_peak.h"

namespace inferlab::cli {
namespace {

void print_dot_peak(const char* what, const char* unit, const DotPeak& p, int reps) {
  if (!p.supported) {
    fmt::print("{} peak, one core: not supported (this CPU lacks {})\n", what, p.isa);
    return;
  }
  fmt::print("{} peak, one core: {:.1f} {} ({}, {} independent chains, best of {})\n", what, p.gops,
             unit, p.isa, p.independent_chains, reps);
}

void setup_peak(CLI::App& root) {
  auto* cmd = root.add_subcommand("peak", "Measure the FP32, BF16 and INT8 peaks of one core");
  auto reps = std::make_shared<int>(5);
  cmd->add_option("--repetitions", *reps, "timed repetitions (best is reported)")
      ->check(CLI::PositiveNumber);
  cmd->callback([reps] {
    const FmaPeak p = measure_fma_peak(*reps);
    fmt::print("fp32 FMA peak, one core: {:.1f} GFLOP/s ({} , {} independent chains, best of {})\n",
               p.gflops, p.isa, p.independent_chains, *reps);
    print_dot_peak("bf16 dot-product (vdpbf16ps)", "GFLOP/s", measure_bf16_peak(*reps), *reps);
    print_dot_peak("int8 dot-product (vpdpbusd)", "GOP/s", measure_int8_peak(*reps), *reps);
  });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_peak);
}  // namespace inferlab::cli
