// Layers that move or combine data without weights: Concat, Flatten, Reshape, Permute,
// Softmax, Split, Slice.
#include <numeric>

#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

std::vector<std::string> all_bottoms(const Builder& b, const Layer& l) {
  std::vector<std::string> v;
  for (int i = 0; i < l.bottom_size(); ++i) v.push_back(b.bottom(l, i));
  return v;
}

void convert_concat(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1, true);
  const auto& p = l.concat_param();
  const std::int64_t axis = p.has_axis() ? p.axis() : static_cast<std::int64_t>(p.concat_dim());
  Attributes a;
  a.set("axis", axis);
  auto in = all_bottoms(b, l);
  b.add(l, in.size() == 1 ? "Identity" : "Concat", in, {b.top(l)},
        in.size() == 1 ? Attributes{} : a);
}

// Caffe's Flatten merges axes [axis, end_axis] and keeps the others (ONNX Flatten makes 2-D),
// so it becomes a Reshape: copied leading axes (0), the merged one (-1), the trailing ones.
void convert_flatten(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const std::string x = b.bottom(l);
  const Shape in = b.shape(x);
  const auto& p = l.flatten_param();
  const int axis = normalize_axis(p.axis(), in.size(), b.where(l) + " axis");
  const int end = normalize_axis(p.end_axis(), in.size(), b.where(l) + " end_axis");
  if (end < axis) fail("{}: end_axis {} is before axis {}", b.where(l), p.end_axis(), p.axis());
  std::vector<std::int64_t> shape(static_cast<std::size_t>(axis), 0);
  shape.push_back(-1);
  for (std::size_t i = static_cast<std::size_t>(end) + 1; i < in.size(); ++i)
    shape.push_back(in[i]);
  b.add(l, "Reshape", {x, b.constant(l.name() + "/shape", i64_tensor(shape))}, {b.top(l)});
}

// Reshape of the axes [axis, axis + num_axes): 0 copies the input's axis at that position
// (as in ONNX Reshape), -1 is inferred; axes outside the range are kept.
void convert_reshape(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const std::string x = b.bottom(l);
  const Shape in = b.shape(x);
  const auto& p = l.reshape_param();
  const auto rank = static_cast<std::int64_t>(in.size());
  std::int64_t axis = p.axis() < 0 ? rank + 1 + p.axis() : p.axis();
  if (axis < 0 || axis > rank) fail("{}: axis {} is out of range", b.where(l), p.axis());
  const std::int64_t end = p.num_axes() < 0 ? rank : axis + p.num_axes();
  if (p.num_axes() < -1 || end > rank)
    fail("{}: num_axes {} is out of range", b.where(l), p.num_axes());
  std::vector<std::int64_t> shape(static_cast<std::size_t>(axis), 0);
  for (auto d : p.shape().dim()) {
    if (d == 0 && static_cast<std::int64_t>(shape.size()) >= rank)
      fail("{}: dim 0 copies an input axis that does not exist", b.where(l));
    shape.push_back(d);
  }
  for (auto i = static_cast<std::size_t>(end); i < in.size(); ++i) shape.push_back(in[i]);
  b.add(l, "Reshape", {x, b.constant(l.name() + "/shape", i64_tensor(shape))}, {b.top(l)});
}

void convert_permute(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const std::string x = b.bottom(l);
  const std::size_t rank = b.shape(x).size();
  std::vector<std::int64_t> perm(l.permute_param().order().begin(),
                                 l.permute_param().order().end());
  std::vector<bool> used(rank, false);
  for (auto a : perm) {
    if (a < 0 || static_cast<std::size_t>(a) >= rank || used[static_cast<std::size_t>(a)])
      fail("{}: order is not a permutation of the input's {} axes", b.where(l), rank);
    used[static_cast<std::size_t>(a)] = true;
  }
  for (std::size_t a = 0; a < rank; ++a)  // Caffe appends the axes the order leaves out
    if (!used[a]) perm.push_back(static_cast<std::int64_t>(a));
  Attributes a;
  a.set("perm", perm);
  b.add(l, "Transpose", {x}, {b.top(l)}, a);
}

void convert_softmax(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  Attributes a;
  a.set("axis", std::int64_t{l.softmax_param().axis()});
  const std::string x = b.bottom(l);
  b.add(l, "Softmax", {x}, {b.top(l)}, a);
}

void convert_split(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const std::string x = b.bottom(l);
  for (int i = 0; i < l.top_size(); ++i) b.add(l, "Identity", {x}, {b.top(l, i)});
}

void convert_slice(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const auto& p = l.slice_param();
  const std::string x = b.bottom(l);
  const Shape in = b.shape(x);
  const std::int64_t raw_axis = p.has_axis() ? p.axis() : static_cast<std::int64_t>(p.slice_dim());
  const int axis = normalize_axis(raw_axis, in.size(), b.where(l) + " axis");
  const std::int64_t dim = in[static_cast<std::size_t>(axis)];
  const auto tops = static_cast<std::int64_t>(l.top_size());
  std::vector<std::int64_t> sizes;
  if (p.slice_point_size() == 0) {
    if (dim % tops != 0)
      fail("{}: axis size {} does not split evenly into {} tops", b.where(l), dim, tops);
    sizes.assign(static_cast<std::size_t>(tops), dim / tops);
  } else {
    if (p.slice_point_size() != tops - 1)
      fail("{}: {} slice points for {} tops", b.where(l), p.slice_point_size(), tops);
    std::int64_t prev = 0;
    for (auto s : p.slice_point()) {
      if (s <= prev || s >= dim) fail("{}: slice point {} is out of order or range", b.where(l), s);
      sizes.push_back(s - prev);
      prev = s;
    }
    sizes.push_back(dim - prev);
  }
  std::vector<std::string> outs;
  for (int i = 0; i < l.top_size(); ++i) outs.push_back(b.top(l, i));
  Attributes a;
  a.set("axis", std::int64_t{axis});
  b.add(l, "Split", {x, b.constant(l.name() + "/split", i64_tensor(sizes))}, outs, a);
}

}  // namespace

INFERLAB_CAFFE_LAYER("Concat", convert_concat);
INFERLAB_CAFFE_LAYER("Flatten", convert_flatten);
INFERLAB_CAFFE_LAYER("Reshape", convert_reshape);
INFERLAB_CAFFE_LAYER("Permute", convert_permute);
INFERLAB_CAFFE_LAYER("Softmax", convert_softmax);
INFERLAB_CAFFE_LAYER("Split", convert_split);
INFERLAB_CAFFE_LAYER("Slice", convert_slice);

}  // namespace inferlab::caffe_import
