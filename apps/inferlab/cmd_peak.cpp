// `inferlab peak`: the FP32 FMA peak of one core (the roof for "fraction of peak" figures).
#include <fmt/format.h>

#include "analysis/fma_peak.h"
#include "command.h"

namespace inferlab::cli {
namespace {

void setup(CLI::App& root) {
  auto* cmd = root.add_subcommand("peak", "Measure the FP32 FMA peak of one core (GFLOP/s)");
  auto reps = std::make_shared<int>(5);
  cmd->add_option("--repetitions", *reps, "timed repetitions (best is reported)")
      ->check(CLI::PositiveNumber);
  cmd->callback([reps] {
    const FmaPeak p = measure_fma_peak(*reps);
    fmt::print("fp32 FMA peak, one core: {:.1f} GFLOP/s ({} , {} independent chains, best of {})\n",
               p.gflops, p.isa, p.independent_chains, *reps);
  });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup);
}  // namespace inferlab::cli
