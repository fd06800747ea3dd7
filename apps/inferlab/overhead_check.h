#pragma once
#include <cstdint>

#include "inferlab/inferlab.h"

namespace inferlab::cli {

// Measures the time the benchmark harness (load generator + native backend adapter) adds per
// request over a bare `infer()` loop, on a one-Add model; prints the figure against the 5 us
// target.
void run_overhead_check(std::int64_t iterations, Engine engine);

}  // namespace inferlab::cli
