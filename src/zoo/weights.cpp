#include "zoo/weights.h"

#include <cmath>
#include <numbers>

namespace inferlab::zoo {
namespace {

// FNV-1a of the name, mixed with the seed through splitmix64 so nearby seeds diverge fully.
std::uint64_t mix(std::uint64_t seed, std::string_view name) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ull * (h | 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

WeightRng::WeightRng(std::uint64_t seed, std::string_view tensor_name)
    : gen_(mix(seed, tensor_name)) {}

double WeightRng::uniform() {
  return static_cast<double>(gen_() >> 11) * 0x1.0p-53;
}

double WeightRng::normal(double mean, double std) {
  if (has_spare_) {
    has_spare_ = false;
    return mean + std * spare_;
  }
  const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
  has_spare_ = true;
  return mean + std * r * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace inferlab::zoo
