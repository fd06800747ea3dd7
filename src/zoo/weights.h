#pragma once
// Deterministic pseudo-random weights for the zoo. Each tensor draws from its own generator,
// seeded from the model seed and the tensor's name, so a tensor's values depend only on
// (seed, name, shape): adding a layer elsewhere never shifts them. Only std::mt19937_64's raw
// output (fully specified by the standard) is used; the distributions are written out here
// because std::normal_distribution differs between standard libraries.
#include <cstdint>
#include <random>
#include <string_view>

namespace inferlab::zoo {

class WeightRng {
 public:
  WeightRng(std::uint64_t seed, std::string_view tensor_name);
  double uniform();  // [0, 1), 53 random bits
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal(double mean, double std);  // Box-Muller

 private:
  std::mt19937_64 gen_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace inferlab::zoo
