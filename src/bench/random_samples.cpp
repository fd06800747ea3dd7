#include "inferlab/lab/random_samples.h"

#include <algorithm>
#include <random>

#include "ir/error.h"

namespace inferlab::bench {

Tensor random_tensor(DType dtype, const Shape& shape, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Tensor f(DType::f32, shape);
  const bool integral = dtype != DType::f32 && dtype != DType::f16 && dtype != DType::bf16;
  std::uniform_real_distribution<float> real(-1.f, 1.f);
  std::uniform_int_distribution<int> whole(0, 9);
  for (std::int64_t i = 0; i < f.numel(); ++i) {
    f.data<float>()[i] = integral ? static_cast<float>(whole(rng)) : real(rng);
  }
  return f.cast(dtype);
}

std::vector<backends::TensorMap> random_samples(const std::vector<PortInfo>& ports,
                                                std::uint64_t seed, std::int64_t count,
                                                const std::map<std::string, Tensor>& given) {
  for (const auto& [name, t] : given)
    if (std::none_of(ports.begin(), ports.end(),
                     [&n = name](const PortInfo& p) { return p.name == n; }))
      fail("an input named '{}' was given, but the model has no input of that name", name);
  std::vector<backends::TensorMap> samples(static_cast<std::size_t>(count));
  for (std::int64_t s = 0; s < count; ++s) {
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const PortInfo& p = ports[i];
      auto it = given.find(p.name);
      samples[s][p.name] = it != given.end()
                               ? it->second
                               : random_tensor(p.dtype, p.shape, seed + s * ports.size() + i);
    }
  }
  return samples;
}

}  // namespace inferlab::bench
