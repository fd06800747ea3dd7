#pragma once
// Shared by the FMA (fma_peak.cpp) and dot-product (dot_peak.cpp) peak loops: how long each runs
// and how many independent accumulator chains it keeps, and its clock.
#include <chrono>

namespace inferlab::peak_loop {

inline constexpr long kIterations = 20'000'000;
// More chains than latency x ports (FMA: 4 x 2): every pipe stays busy.
inline constexpr int kChains = 12;

inline double elapsed_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace inferlab::peak_loop
