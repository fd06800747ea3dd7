#pragma once
#include <cstdint>
#include <string>

namespace inferlab::cli {

// Measures the time the benchmark harness (load generator + native backend adapter) adds per
// request over a bare `infer()` loop, on a one-Add model; prints the figure against the 5 us
// target.
void run_overhead_check(std::int64_t iterations, const std::string& engine);

}  // namespace inferlab::cli
