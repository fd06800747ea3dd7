// Slice: starts/ends/axes/steps (attributes before opset 10, constant inputs after), with the
// ONNX clamping rules for out-of-range and negative values.
#include <algorithm>
#include <limits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

struct Plan {
  std::vector<std::int64_t> start, step;
  Shape out;
};

Plan plan(const Node& n, const Shape& s, const std::vector<std::vector<std::int64_t>>& args) {
  const auto& starts = args[0];
  const auto& ends = args[1];
  std::vector<std::int64_t> axes = args[2], steps = args[3];
  if (axes.empty())
    for (std::size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    fail("starts, ends, axes and steps differ in length");
  }
  Plan p{std::vector<std::int64_t>(s.size(), 0), std::vector<std::int64_t>(s.size(), 1), s};
  std::vector<bool> seen(s.size(), false);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const int a = normalize_axis(axes[i], s.size(), "axes");
    if (seen[a]) fail("axis {} is sliced twice", a);
    seen[a] = true;
    const std::int64_t dim = s[a], step = steps[i];
    if (step == 0) fail("step 0 on axis {}", a);
    // As specified: negative starts/ends get dim added (no overflow: dim >= 0), then starts are
    // clamped to [0, dim] for positive steps and [0, dim-1] for negative ones, ends to [0, dim]
    // and [-1, dim-1] (-1: "before the first element").
    std::int64_t b = starts[i] < 0 ? starts[i] + dim : starts[i];
    std::int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    std::int64_t count = 0;
    if (step > 0) {
      b = std::clamp<std::int64_t>(b, 0, dim);
      e = std::clamp<std::int64_t>(e, 0, dim);
      if (e > b) count = (e - b - 1) / step + 1;  // no overflow even for step = INT64_MAX
    } else if (dim > 0) {
      b = std::clamp<std::int64_t>(b, 0, dim - 1);
      e = std::clamp<std::int64_t>(e, -1, dim - 1);
      const std::int64_t mag = step == std::numeric_limits<std::int64_t>::min()
                                   ? std::numeric_limits<std::int64_t>::max()
                                   : -step;
      if (b > e) count = (b - e - 1) / mag + 1;
    }
    p.out[a] = count;
    p.start[a] = count ? b : 0;
    p.step[a] = step;
  }
  return p;
}

std::vector<std::vector<std::int64_t>> args_of(const Node& n, const std::vector<const Value*>& in) {
  if (n.opset < 10) {
    return {n.attrs.get_ints("starts"), n.attrs.get_ints("ends"), n.attrs.get_ints("axes", {}), {}};
  }
  ops::require_inputs(in, 3, 5);
  auto get = [&](std::size_t i, const char* what) {
    return i < in.size() && in[i] ? ops::const_ints(in[i], what) : std::vector<std::int64_t>{};
  };
  return {get(1, "starts"), get(2, "ends"), get(3, "axes"), get(4, "steps")};
}

// Kernel-time arguments come from the input tensors (constants at compile time).
std::vector<std::vector<std::int64_t>> args_of(const Node& n, const std::vector<Tensor>& in) {
  if (n.opset < 10) {
    return {n.attrs.get_ints("starts"), n.attrs.get_ints("ends"), n.attrs.get_ints("axes", {}), {}};
  }
  auto get = [&](std::size_t i) {
    std::vector<std::int64_t> v;
    if (i < in.size() && !in[i].empty())
      for (std::int64_t k = 0; k < in[i].numel(); ++k) v.push_back(in[i].at_i64(k));
    return v;
  };
  return {get(1), get(2), get(3), get(4)};
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  if (in.empty() || !in[0]) fail("missing data input");
  ops::set_output(out[0], in[0]->dtype, plan(n, in[0]->shape, args_of(n, in)).out);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Plan p = plan(n, in[0].shape(), args_of(n, in));
  const auto st = shape_strides(in[0].shape());
  const std::size_t es = dtype_size(in[0].dtype());
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  auto* y = static_cast<std::byte*>(out[0].raw());
  const std::size_t r = p.out.size();
  std::vector<std::int64_t> idx(r, 0);
  for (std::int64_t o = 0; o < out[0].numel(); ++o) {
    std::int64_t src = 0;
    for (std::size_t d = 0; d < r; ++d) src += (p.start[d] + idx[d] * p.step[d]) * st[d];
    std::memcpy(y + o * es, x + src * es, es);
    for (std::size_t d = r; d-- > 0;) {
      if (++idx[d] < p.out[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Slice", infer, run, true, {1, 2, 3, 4}});
}  // namespace inferlab
