// Slicing and padding: Slice (opset 8), StridedSlice (without new/ellipsis axes), Pad. Their
// bounds and pads must be constants (as ovc emits them after folding).
#include <limits>

#include "frontends/openvino/ir_builder.h"

namespace inferlab::ir_import {

namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// OpenVINO Slice(data, start, stop, step[, axes]) -> ONNX Slice(data, starts, ends, axes, steps).
void convert_slice(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 4);
  std::vector<std::string> in = {l.inputs[0], l.inputs[1], l.inputs[2]};
  if (l.inputs.size() > 4) {
    in.push_back(l.inputs[4]);
  } else {
    const auto n = static_cast<std::int64_t>(b.const_ints(l, 1, "start").size());
    std::vector<std::int64_t> axes(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) axes[static_cast<std::size_t>(i)] = i;
    Tensor t(DType::i64, {n});
    std::copy(axes.begin(), axes.end(), t.data<std::int64_t>());
    in.push_back(b.constant(l.name + "/axes", t));
  }
  in.push_back(l.inputs[3]);
  b.add(l, "Slice", in, {l.outputs[0]});
}

Tensor i64(const std::vector<std::int64_t>& v) {
  Tensor t(DType::i64, {static_cast<std::int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<std::int64_t>());
  return t;
}

bool bit(const std::vector<std::int64_t>& mask, std::size_t i) {
  return i < mask.size() && mask[i];
}

// StridedSlice: a mask bit of 1 ignores that axis' begin/end (OpenVINO's convention); shrunk
// axes are sliced to one element and squeezed away.
void convert_strided_slice(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 3);
  const auto begin = b.const_ints(l, 1, "begin");
  const auto end = b.const_ints(l, 2, "end");
  std::vector<std::int64_t> stride(begin.size(), 1);
  if (l.inputs.size() > 3) stride = b.const_ints(l, 3, "stride");
  if (end.size() != begin.size() || stride.size() != begin.size())
    fail("{}: begin, end and stride differ in length", b.where(l));
  for (const char* m : {"new_axis_mask", "ellipsis_mask"})
    for (auto v : b.ints(l, m, {}))
      if (v) unsupported("{}: {} is not supported", b.where(l), m);
  const auto bm = b.ints(l, "begin_mask", {}), em = b.ints(l, "end_mask", {});
  const auto sm = b.ints(l, "shrink_axis_mask", {});
  std::vector<std::int64_t> starts, ends, axes, steps, squeeze;
  for (std::size_t i = 0; i < begin.size(); ++i) {
    const std::int64_t s = stride[i];
    if (s == 0) fail("{}: stride 0", b.where(l));
    std::int64_t from = bit(bm, i) ? (s > 0 ? 0 : kMax) : begin[i];
    std::int64_t to = bit(em, i) ? (s > 0 ? kMax : kMin) : end[i];
    if (bit(sm, i)) {  // one element at begin
      from = begin[i];
      to = from == -1 ? kMax : from + 1;
      squeeze.push_back(static_cast<std::int64_t>(i));
    }
    starts.push_back(from), ends.push_back(to), axes.push_back(static_cast<std::int64_t>(i));
    steps.push_back(bit(sm, i) ? 1 : s);
  }
  const std::string out = squeeze.empty() ? l.outputs[0] : b.temp(l.name + "/sliced");
  b.add(l, "Slice",
        {l.inputs[0], b.constant(l.name + "/starts", i64(starts)),
         b.constant(l.name + "/ends", i64(ends)), b.constant(l.name + "/axes", i64(axes)),
         b.constant(l.name + "/steps", i64(steps))},
        {out});
  if (!squeeze.empty())
    b.add(l, "Squeeze", {out, b.constant(l.name + "/squeeze", i64(squeeze))}, {l.outputs[0]});
}

void convert_pad(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 3);
  auto pads = b.const_ints(l, 1, "pads_begin");
  const auto end = b.const_ints(l, 2, "pads_end");
  pads.insert(pads.end(), end.begin(), end.end());
  const std::string mode = b.attr(l, "pad_mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect")
    unsupported("{}: pad_mode '{}' is not supported", b.where(l), mode);
  Attributes a;
  a.set("mode", mode);
  std::vector<std::string> in = {l.inputs[0], b.constant(l.name + "/pads", i64(pads))};
  if (l.inputs.size() > 3 && mode == "constant") in.push_back(l.inputs[3]);
  b.add(l, "Pad", in, {l.outputs[0]}, a);
}

}  // namespace

INFERLAB_IR_OP("Slice", convert_slice);
INFERLAB_IR_OP("StridedSlice", convert_strided_slice);
INFERLAB_IR_OP("Pad", convert_pad);

}  // namespace inferlab::ir_import
