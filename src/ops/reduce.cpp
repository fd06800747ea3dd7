// ReduceMean, ReduceL2 (axes attribute up to opset 17, keepdims, noop_with_empty_axes) and
// LpNormalization (p = 1 or 2 along one axis).
#include <cmath>
#include <set>

#include "ops/op_util.h"

namespace inferlab {
namespace {

std::set<int> reduce_axes(const Node& n, const std::vector<const Value*>& in, std::size_t rank) {
  std::vector<std::int64_t> axes;
  if (in.size() > 1 && in[1]) {
    axes = ops::const_ints(in[1], "axes");
  } else {
    axes = n.attrs.get_ints("axes", {});
  }
  std::set<int> s;
  if (axes.empty() && !n.attrs.get_int("noop_with_empty_axes", 0)) {
    for (std::size_t i = 0; i < rank; ++i) s.insert(static_cast<int>(i));
  }
  for (auto a : axes) s.insert(normalize_axis(a, rank, "axes"));
  return s;
}

void infer_reduce(const Node& n, const std::vector<const Value*>& in,
                  const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 2);
  ops::require_float(in[0]);
  const Shape& s = in[0]->shape;
  const auto axes = reduce_axes(n, in, s.size());
  const bool keep = n.attrs.get_int("keepdims", 1) != 0;
  const Shape r = ops::reduced_shape(s, axes, keep);
  ops::set_output(out[0], DType::f32, r);
}

void run_reduce(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  std::vector<const Value*> fake;  // axes resolved from attributes or the constant input tensor
  std::set<int> axes;
  if (in.size() > 1 && !in[1].empty()) {
    for (std::int64_t i = 0; i < in[1].numel(); ++i)
      axes.insert(normalize_axis(in[1].at_i64(i), s.size(), "axes"));
    if (axes.empty() && !n.attrs.get_int("noop_with_empty_axes", 0))
      for (std::size_t i = 0; i < s.size(); ++i) axes.insert(static_cast<int>(i));
  } else {
    axes = reduce_axes(n, fake, s.size());
  }
  Shape kept = s;  // output shape with keepdims, for index arithmetic
  for (int a : axes) kept[a] = 1;
  const std::int64_t count = in[0].numel() / std::max<std::int64_t>(1, shape_numel(kept));
  std::vector<double> acc(static_cast<std::size_t>(shape_numel(kept)), 0.0);
  const bool l2 = n.op_type == "ReduceL2";
  const float* x = in[0].data<float>();
  ops::for_each_broadcast(s, kept, s, [&](std::int64_t o, std::int64_t, std::int64_t ik) {
    acc[ik] += l2 ? static_cast<double>(x[o]) * x[o] : x[o];
  });
  float* y = out[0].data<float>();
  for (std::size_t i = 0; i < acc.size(); ++i) {
    y[i] = static_cast<float>(l2 ? std::sqrt(acc[i])
                                 : acc[i] / static_cast<double>(std::max<std::int64_t>(count, 1)));
  }
}

void infer_lpnorm(const Node& n, const std::vector<const Value*>& in,
                  const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::require_float(in[0]);
  const auto p = n.attrs.get_int("p", 2);
  if (p != 1 && p != 2) fail("p must be 1 or 2, got {}", p);
  normalize_axis(n.attrs.get_int("axis", -1), in[0]->shape.size(), "axis");
  ops::set_output(out[0], DType::f32, in[0]->shape);
}

void run_lpnorm(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  const int axis = normalize_axis(n.attrs.get_int("axis", -1), s.size(), "axis");
  const bool l1 = n.attrs.get_int("p", 2) == 1;
  std::int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= s[i];
  for (std::size_t i = axis + 1; i < s.size(); ++i) inner *= s[i];
  const std::int64_t dim = s[axis];
  const float* x = in[0].data<float>();
  float* y = out[0].data<float>();
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t base = o * dim * inner + i;
      double norm = 0;
      for (std::int64_t k = 0; k < dim; ++k) {
        const double v = x[base + k * inner];
        norm += l1 ? std::fabs(v) : v * v;
      }
      if (!l1) norm = std::sqrt(norm);
      for (std::int64_t k = 0; k < dim; ++k)
        y[base + k * inner] = norm == 0 ? 0.f : static_cast<float>(x[base + k * inner] / norm);
    }
}

}  // namespace
INFERLAB_REGISTER_OP({"ReduceMean", infer_reduce, run_reduce, true, {1}});
INFERLAB_REGISTER_OP({"ReduceL2", infer_reduce, run_reduce, true, {1}});
INFERLAB_REGISTER_OP({"LpNormalization", infer_lpnorm, run_lpnorm});
}  // namespace inferlab
