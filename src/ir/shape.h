#pragma once
// Shape helpers of the engine, on top of the public Shape (include/inferlab/shape.h).
#include <cstdint>
#include <string>
#include <vector>

#include "inferlab/shape.h"

namespace inferlab {

// Row-major strides in elements.
std::vector<std::int64_t> shape_strides(const Shape& s);

// Normalises a possibly negative axis for a tensor of `rank` dims; throws Error when out of range.
int normalize_axis(std::int64_t axis, std::size_t rank, const std::string& what);

// Numpy-style multidirectional broadcasting; throws Error naming `what` when incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what);

}  // namespace inferlab
