// Concat and Split along one axis: copies of contiguous blocks (outer x axis-slab) by bytes.
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
  const std::size_t es = dtype_size(out[0].dtype());
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
  (void)es;
}

std::vector<std::int64_t> split_sizes(const Node& n, const std::vector<const Value*>& in,
                                      std::size_t outputs) {
  const Shape& s = in[0]->shape;
  const int axis = normalize_axis(n.attrs.get_int("axis", 0), s.size(), "axis");
  std::vector<std::int64_t> sizes;
  if (n.opset >= 13) {
    if (in.size() > 1 && in[1]) sizes = ops::const_ints(in[1], "split");
  } else {
    sizes = n.attrs.get_ints("split", {});
  }
  if (sizes.empty()) {
    const std::int64_t parts = n.attrs.get_int("num_outputs", static_cast<std::int64_t>(outputs));
    const std::int64_t each = (s[axis] + parts - 1) / parts;
    for (std::int64_t i = 0; i < parts; ++i) sizes.push_back(std::min(each, s[axis] - each * i));
  }
  std::int64_t total = 0;
  for (auto v : sizes) {
    if (v < 0) fail("negative split size");
    total += v;
  }
  if (total != s[axis] || sizes.size() != outputs) {
    fail("split sizes do not add up to dimension {} ({}) over {} outputs", axis, s[axis], outputs);
  }
  return sizes;
}

void infer_split(const Node& n, const std::vector<const Value*>& in,
                 const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 2);
  const auto sizes = split_sizes(n, in, out.size());
  const int axis = normalize_axis(n.attrs.get_int("axis", 0), in[0]->shape.size(), "axis");
  for (std::size_t i = 0; i < out.size(); ++i) {
    Shape r = in[0]->shape;
    r[axis] = sizes[i];
    ops::set_output(out[i], in[0]->dtype, r);
  }
}

void run_split(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const int axis = normalize_axis(n.attrs.get_int("axis", 0), in[0].rank(), "axis");
  const std::int64_t outer = outer_of(in[0].shape(), axis);
  if (outer == 0) return;
  const std::size_t in_block = in[0].nbytes() / outer;
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  std::size_t offset = 0;
  for (auto& t : out) {
    if (t.empty()) continue;
    const std::size_t block = t.nbytes() / outer;
    auto* y = static_cast<std::byte*>(t.raw());
    for (std::int64_t o = 0; o < outer; ++o)
      std::memcpy(y + o * block, x + o * in_block + offset, block);
    offset += block;
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Concat", infer_concat, run_concat});
INFERLAB_REGISTER_OP({"Split", infer_split, run_split, true, {1}});
}  // namespace inferlab
