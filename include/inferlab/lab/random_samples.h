#pragma once
// The default sample library of the harness: seeded pseudo-random inputs, so that a run is
// repeatable and two backends (or the CLI and the Python package) measure the same inputs.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "inferlab/lab/backend.h"

namespace inferlab::bench {

// Deterministic pseudo-random tensor: floats uniform in [-1, 1], integers in [0, 10).
Tensor random_tensor(DType dtype, const Shape& shape, std::uint64_t seed);

// `count` samples for `ports`: input i of sample s is random with seed
// `seed + s * ports.size() + i`, unless `given` holds a tensor for that input (used as is in
// every sample). Throws Error when `given` names an input the model does not have.
std::vector<backends::TensorMap> random_samples(const std::vector<PortInfo>& ports,
                                                std::uint64_t seed, std::int64_t count,
                                                const std::map<std::string, Tensor>& given = {});

}  // namespace inferlab::bench
