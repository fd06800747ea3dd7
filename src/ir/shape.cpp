#include "ir/shape.h"

#include <fmt/format.h>

#include <charconv>

#include "ir/error.h"

namespace inferlab {

std::int64_t shape_numel(const Shape& s, const std::string& what) {
  std::int64_t n = 1;
  for (std::int64_t d : s) {
    if (d < 0) fail("{}: shape {} has a negative or unknown dimension", what, shape_str(s));
    if (d != 0 && n > kMaxElements / d) {
      fail("{}: shape {} has more than 2^40 elements", what, shape_str(s));
    }
    n *= d;
  }
  if (n > kMaxElements) fail("{}: shape {} has more than 2^40 elements", what, shape_str(s));
  return n;
}

bool shape_is_static(const Shape& s) {
  for (std::int64_t d : s)
    if (d < 0) return false;
  return true;
}

std::string shape_str(const Shape& s) {
  if (s.empty()) return "scalar";
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += 'x';
    out += s[i] < 0 ? std::string("?") : std::to_string(s[i]);
  }
  return out;
}

Shape parse_shape(const std::string& text) {
  Shape s;
  if (text == "scalar") return s;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of("x,", pos);
    if (end == std::string::npos) end = text.size();
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data() + pos, text.data() + end, v);
    if (ec != std::errc() || p != text.data() + end || v < 0) {
      fail("malformed shape '{}': expected dimensions like 1x3x224x224", text);
    }
    s.push_back(v);
    pos = end + 1;
  }
  shape_numel(s, "shape '" + text + "'");
  return s;
}

std::vector<std::int64_t> shape_strides(const Shape& s) {
  std::vector<std::int64_t> st(s.size(), 1);
  for (std::size_t i = s.size(); i-- > 1;) st[i - 1] = st[i] * s[i];
  return st;
}

int normalize_axis(std::int64_t axis, std::size_t rank, const std::string& what) {
  const auto r = static_cast<std::int64_t>(rank);
  if (axis < -r || axis >= r) fail("{}: axis {} out of range for rank {}", what, axis, rank);
  return static_cast<int>(axis < 0 ? axis + r : axis);
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      fail("{}: shapes {} and {} cannot be broadcast", what, shape_str(a), shape_str(b));
    }
  }
  return out;
}

}  // namespace inferlab
