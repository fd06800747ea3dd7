// Pad: constant, reflect and edge modes; pads as an attribute before opset 11, as constant
// inputs after. Negative pads crop.
#include "ops/op_util.h"

namespace inferlab {
namespace {

std::vector<std::int64_t> pads_of(const Node& n, const std::vector<const Value*>& in,
                                  std::size_t rank) {
  std::vector<std::int64_t> pads;
  if (n.opset < 11) {
    pads = n.attrs.get_ints("pads");
  } else {
    ops::require_inputs(in, 2, 4);
    pads = ops::const_ints(in[1], "pads");
    if (ops::opt(in, 3)) {  // axes (opset 18) re-map the pads onto the given axes
      const auto axes = ops::const_ints(in[3], "axes");
      std::vector<std::int64_t> full(2 * rank, 0);
      for (std::size_t i = 0; i < axes.size(); ++i) {
        const int a = normalize_axis(axes[i], rank, "axes");
        full[a] = pads.at(i);
        full[a + rank] = pads.at(i + axes.size());
      }
      pads = full;
    }
  }
  if (pads.size() != 2 * rank) fail("pads has {} entries for rank {}", pads.size(), rank);
  return pads;
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  if (in.empty() || !in[0]) fail("missing input");
  const std::string mode = n.attrs.get_string("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    unsupported("mode '{}' is not supported", mode);
  const Shape& s = in[0]->shape;
  const auto pads = pads_of(n, in, s.size());
  Shape r = s;
  for (std::size_t i = 0; i < s.size(); ++i) {
    r[i] += pads[i] + pads[i + s.size()];
    if (r[i] < 0) fail("pads make dimension {} negative", i);
    if (mode != "constant" && s[i] == 0 && r[i] > 0)
      fail("{} padding of empty dimension {} has no values to repeat", mode, i);
    if (mode == "reflect" && (pads[i] >= s[i] || pads[i + s.size()] >= s[i]) &&
        (pads[i] > 0 || pads[i + s.size()] > 0)) {
      fail("reflect padding {} is not smaller than dimension {} ({})",
           std::max(pads[i], pads[i + s.size()]), i, s[i]);
    }
  }
  ops::set_output(out[0], in[0]->dtype, r);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  const std::size_t r = s.size();
  std::vector<std::int64_t> pads;
  if (n.opset < 11) {
    pads = n.attrs.get_ints("pads");
  } else {
    const ops::ConstantValues cv(in);
    pads = pads_of(n, cv.ptrs, r);
  }
  const std::string mode = n.attrs.get_string("mode", "constant");
  const std::size_t es = dtype_size(in[0].dtype());
  // The fill value in the tensor's own type.
  Tensor fill(DType::f32, {});
  fill.data<float>()[0] = n.opset < 11 ? n.attrs.get_float("value", 0.f) : 0.f;
  Tensor fill_t = fill.cast(in[0].dtype());
  if (n.opset >= 11 && in.size() > 2 && !in[2].empty()) fill_t = in[2];
  const auto st = shape_strides(s);
  const auto* x = static_cast<const std::byte*>(in[0].raw());
  auto* y = static_cast<std::byte*>(out[0].raw());
  const Shape& os = out[0].shape();
  std::vector<std::int64_t> idx(r, 0);
  for (std::int64_t o = 0; o < out[0].numel(); ++o) {
    std::int64_t off = 0;
    bool outside = false;
    for (std::size_t d = 0; d < r; ++d) {
      std::int64_t i = idx[d] - pads[d];
      if (i < 0 || i >= s[d]) {
        if (mode == "constant") {
          outside = true;
          break;
        }
        if (mode == "edge") {
          i = std::clamp<std::int64_t>(i, 0, s[d] - 1);
        } else {  // reflect (without repeating the edge)
          while (i < 0 || i >= s[d]) i = i < 0 ? -i : 2 * (s[d] - 1) - i;
        }
      }
      off += i * st[d];
    }
    std::memcpy(y + o * es, outside ? static_cast<const std::byte*>(fill_t.raw()) : x + off * es,
                es);
    for (std::size_t d = r; d-- > 0;) {
      if (++idx[d] < os[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Pad", infer, run, true, {1, 2, 3}});
}  // namespace inferlab
