// Ops that only change the shape, not the bytes: Reshape, Flatten, Squeeze, Unsqueeze, Identity,
// Dropout (inference). The kernel is a copy.
#include <algorithm>
#include <set>

#include "ops/op_util.h"

namespace inferlab {
namespace {

using ops::const_ints;
using ops::set_output;

void copy_kernel(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  if (in[0].nbytes()) std::memcpy(out[0].raw(), in[0].raw(), in[0].nbytes());
  if (out.size() > 1 && !out[1].empty()) {  // Dropout mask: everything kept (1 / true)
    Tensor ones(DType::boolean, out[1].shape());
    std::memset(ones.raw(), 1, ones.nbytes());
    const Tensor mask = ones.cast(out[1].dtype());
    if (mask.nbytes()) std::memcpy(out[1].raw(), mask.raw(), mask.nbytes());
  }
}

// Reshape target semantics: -1 is inferred from the element count (at most one), 0 copies the
// input dimension at that index unless allowzero=1 (opset 14), where it means a zero dimension.
void infer_reshape(const Node& n, const std::vector<const Value*>& in,
                   const std::vector<Value*>& out) {
  ops::require_inputs(in, 2, 2);  // opset >= 5: the shape is an input
  const std::vector<std::int64_t> target = const_ints(in[1], "shape");
  const bool allowzero = n.attrs.get_int("allowzero", 0) != 0;
  const Shape& s = in[0]->shape;
  Shape r(target.size());
  int infer_at = -1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == -1) {
      if (infer_at >= 0) fail("shape has more than one -1");
      infer_at = static_cast<int>(i);
      r[i] = 1;  // placeholder, so shape_numel(r) below is the product of the known dims
    } else if (target[i] == 0 && !allowzero) {
      if (i >= s.size())
        fail("shape copies dimension {} (0) but the input has rank {}", i, s.size());
      r[i] = s[i];
    } else if (target[i] < 0) {
      fail("invalid dimension {} in shape", target[i]);
    } else {
      r[i] = target[i];
    }
  }
  const std::int64_t total = shape_numel(s);
  const std::int64_t known = shape_numel(r, "reshape target");
  if (infer_at >= 0) {
    if (known == 0 || total % known)
      fail("cannot reshape {} to {}", shape_str(s), shape_str(Shape(target)));
    r[infer_at] = total / known;
  }
  if (shape_numel(r) != total) fail("cannot reshape {} to {}", shape_str(s), shape_str(r));
  set_output(out[0], in[0]->dtype, r);
}

void infer_flatten(const Node& n, const std::vector<const Value*>& in,
                   const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  const Shape& s = in[0]->shape;
  const int rank = static_cast<int>(s.size());
  std::int64_t axis = n.attrs.get_int("axis", 1);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank)
    fail("axis {} out of range for rank {}", n.attrs.get_int("axis", 1), rank);
  std::int64_t a = 1, b = 1;
  for (int i = 0; i < rank; ++i) (i < axis ? a : b) *= s[i];
  set_output(out[0], in[0]->dtype, {a, b});
}

std::vector<std::int64_t> axes_of(const Node& n, const std::vector<const Value*>& in,
                                  bool required) {
  if (n.opset >= 13) {
    if (in.size() > 1 && in[1]) return const_ints(in[1], "axes");
    if (required) fail("missing axes input");
    return {};
  }
  if (required && !n.attrs.has("axes")) fail("missing axes attribute");
  return n.attrs.get_ints("axes", {});
}

void infer_squeeze(const Node& n, const std::vector<const Value*>& in,
                   const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 2);
  const Shape& s = in[0]->shape;
  std::set<int> drop;
  for (auto a : axes_of(n, in, false)) {
    const int ax = normalize_axis(a, s.size(), "axes");
    if (s[ax] != 1) fail("cannot squeeze axis {} of size {}", a, s[ax]);
    drop.insert(ax);
  }
  Shape r;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool squeeze = drop.empty() ? s[i] == 1 : drop.count(static_cast<int>(i)) > 0;
    if (!squeeze) r.push_back(s[i]);
  }
  set_output(out[0], in[0]->dtype, r);
}

void infer_unsqueeze(const Node& n, const std::vector<const Value*>& in,
                     const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 2);
  const Shape& s = in[0]->shape;
  const auto axes = axes_of(n, in, true);
  const std::size_t rank = s.size() + axes.size();
  std::set<int> ins;
  for (auto a : axes) {
    if (!ins.insert(normalize_axis(a, rank, "axes")).second) fail("axis {} given twice", a);
  }
  Shape r;
  std::size_t k = 0;
  for (std::size_t i = 0; i < rank; ++i) r.push_back(ins.count(static_cast<int>(i)) ? 1 : s[k++]);
  set_output(out[0], in[0]->dtype, r);
}

void infer_identity(const Node& n, const std::vector<const Value*>& in,
                    const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, n.op_type == "Dropout" ? 3 : 1);
  // Training-mode dropout is random: only a constant training_mode = false is inference.
  if (n.op_type == "Dropout" && in.size() > 2 && in[2] &&
      (!in[2]->constant || in[2]->constant->at_i64(0) != 0)) {
    unsupported("training mode is not supported");
  }
  set_output(out[0], in[0]->dtype, in[0]->shape);
  // The mask has x's type before opset 10, bool from 10 on.
  if (out.size() > 1)
    set_output(out[1], n.opset < 10 ? in[0]->dtype : DType::boolean, in[0]->shape);
}

}  // namespace

INFERLAB_REGISTER_OP({"Reshape", infer_reshape, copy_kernel, true, {1}});
INFERLAB_REGISTER_OP({"Flatten", infer_flatten, copy_kernel});
INFERLAB_REGISTER_OP({"Squeeze", infer_squeeze, copy_kernel, true, {1}});
INFERLAB_REGISTER_OP({"Unsqueeze", infer_unsqueeze, copy_kernel, true, {1}});
INFERLAB_REGISTER_OP({"Identity", infer_identity, copy_kernel});
INFERLAB_REGISTER_OP({"Dropout", infer_identity, copy_kernel, true, {1, 2}, {1, 3}, {1, 2}});

}  // namespace inferlab
