#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace inferlab {

// A static shape. Dimensions are concrete (>= 0) once a model is compiled; the frontend uses
// kDynamic for symbolic dimensions until the caller fixes them (--batch, --shape).
using Shape = std::vector<std::int64_t>;
inline constexpr std::int64_t kDynamic = -1;

// Largest element count a tensor may have: beyond this a shape is treated as malformed rather
// than attempted (guards against giant allocations from hostile models).
inline constexpr std::int64_t kMaxElements = std::int64_t{1} << 40;

// Number of elements; throws Error if a dimension is negative/dynamic or the product overflows
// kMaxElements. `what` names the tensor in the message.
std::int64_t shape_numel(const Shape& s, const std::string& what = "tensor");
bool shape_is_static(const Shape& s);
std::string shape_str(const Shape& s);       // "1x3x224x224", "?" for dynamic dims, "scalar" for {}
Shape parse_shape(const std::string& text);  // inverse of shape_str for static shapes; throws

}  // namespace inferlab
