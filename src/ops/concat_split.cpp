// Concat and Split along one axis: copies of contiguous blocks (outer x axis-slab) by bytes.
#include <algorithm>

#include "ops/op_util.h"

namespace inferlab {
namespace {

// outer = product of dims before axis, inner bytes = product of dims from axis on x element size.
std::int64_t outer_of(const Shape& s, int axis) {
  std::int64_t o = 1;
  for (int i = 0; i < axis; ++i) o *= s[i];
  return o;
}

void infer_concat(const Node& n, const std::vector<const Value*>& in,
                  const std::vector<Value*>& out) {
  if (in.empty()) fail("expects at least one input");
  for (auto* v : in)
    if (!v) fail("inputs must be present");
  const Shape& s0 = in[0]->shape;
  const int axis = normalize_axis(n.attrs.get_int("axis"), s0.size(), "axis");
  Shape r = s0;
  r[axis] = 0;
  for (auto* v : in) {
    if (v->dtype != in[0]->dtype || v->shape.size() != s0.size())
      fail("inputs differ in type or rank");
    for (std::size_t d = 0; d < s0.size(); ++d) {
      if (static_cast<int>(d) != axis && v->shape[d] != s0[d]) {
        fail("input '{}' shape {} does not match {} outside axis {}", v->name, shape_str(v->shape),
             shape_str(s0), axis);
      }
    }
    r[axis] += v->shape[axis];
  }
  ops::set_output(out[0], in[0]->dtype, r);
}

void run_concat(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const int axis = normalize_axis(n.attrs.get_int("axis"), out[0].rank(), "axis");
  const std::int64_t outer = outer_of(out[0].shape(), axis);
  const std::size_t out_block = out[0].nbytes() / std::max<std::int64_t>(outer, 1);
  auto* y = static_cast<std::byte*>(out[0].raw());
  std::size_t offset = 0;
  for (const auto& t : in) {
    const std::size_t block = outer ? t.nbytes() / outer : 0;
    const auto* x = static_cast<const std::byte*>(t.raw());
    for (std::int64_t o = 0; o < outer; ++o)
      std::memcpy(y + o * out_block + offset, x + o * block, block);
    offset += block;
  }
}

// Sizes of the Split outputs along `axis`: the 'split' attribute before opset 13, the optional
// 'split' input after; without either, equal parts (the dimension must divide evenly before
// opset 18, which introduced num_outputs and a smaller last part).
std::vector<std::int64_t> split_sizes(const Node& n, const Shape& s, int axis,
                                      std::vector<std::int64_t> sizes, std::size_t outputs) {
  if (n.opset < 13) sizes = n.attrs.get_ints("split", {});
  if (sizes.empty()) {
    const auto parts = static_cast<std::int64_t>(outputs);
    if (parts == 0) fail("has no outputs");
    if (n.opset < 18 && s[axis] % parts)
      fail("dimension {} ({}) does not split into {} equal parts", axis, s[axis], parts);
    const std::int64_t each = (s[axis] + parts - 1) / parts;
    for (std::int64_t i = 0; i < parts; ++i)
      sizes.push_back(std::clamp<std::int64_t>(s[axis] - each * i, 0, each));
  }
  std::int64_t total = 0;
  for (auto v : sizes) {
    if (v < 0) fail("negative split size {}", v);
    total += v;
  }
  if (total != s[axis] || sizes.size() != outputs) {
    fail("split sizes do not add up to dimension {} ({}) over {} outputs", axis, s[axis], outputs);
  }
  return sizes;
}

void infer_split(const Node& n, const std::vector<const Value*>& in,
                 const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, n.opset < 13 ? 1 : 2);
  const Shape& s = in[0]->shape;
  const int axis = normalize_axis(n.attrs.get_int("axis", 0), s.size(), "axis");
  const auto given =
      ops::opt(in, 1) ? ops::const_ints(in[1], "split") : std::vector<std::int64_t>{};
  const auto sizes = split_sizes(n, s, axis, given, out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    Shape r = s;
    r[axis] = sizes[i];
    ops::set_output(out[i], in[0]->dtype, r);
  }
}

void run_split(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  const int axis = normalize_axis(n.attrs.get_int("axis", 0), s.size(), "axis");
  std::vector<std::int64_t> given;
  if (in.size() > 1 && !in[1].empty())
    for (std::int64_t k = 0; k < in[1].numel(); ++k) given.push_back(in[1].at_i64(k));
  const auto sizes = split_sizes(n, s, axis, given, out.size());
  const std::int64_t outer = outer_of(s, axis);
  std::int64_t inner = 1;  // elements per unit of the split axis
  for (std::size_t d = axis + 1; d < s.size(); ++d) inner *= s[d];
  const std::size_t unit = static_cast<std::size_t>(inner) * dtype_size(in[0].dtype());
  const std::size_t in_block = static_cast<std::size_t>(s[axis]) * unit;
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  std::size_t offset = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::size_t block = static_cast<std::size_t>(sizes[i]) * unit;
    if (!out[i].empty()) {  // an unused output still advances the offset
      auto* y = static_cast<std::byte*>(out[i].raw());
      for (std::int64_t o = 0; o < outer; ++o)
        std::memcpy(y + o * block, x + o * in_block + offset, block);
    }
    offset += block;
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Concat", infer_concat, run_concat});
INFERLAB_REGISTER_OP({"Split", infer_split, run_split, true, {1}, {1, 2}, {1, kAnyCount}});
}  // namespace inferlab
