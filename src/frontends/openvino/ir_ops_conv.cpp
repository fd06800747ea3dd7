// Convolution, GroupConvolution, MaxPool, AvgPool -> ONNX Conv / MaxPool / AveragePool.
#include "frontends/openvino/ir_builder.h"

namespace inferlab::ir_import {

namespace {

// strides/dilations/pads_begin/pads_end/auto_pad, as ONNX attributes.
Attributes window(IrBuilder& b, const IrLayer& l, bool dilations) {
  Attributes a;
  a.set("strides", b.ints(l, "strides"));
  if (dilations) a.set("dilations", b.ints(l, "dilations"));
  const std::string pad = b.attr(l, "auto_pad", "explicit");
  if (pad == "explicit" || pad.empty() || pad == "notset") {
    auto pads = b.ints(l, "pads_begin");
    const auto end = b.ints(l, "pads_end");
    pads.insert(pads.end(), end.begin(), end.end());
    a.set("pads", pads);
  } else if (pad == "valid") {
    a.set("auto_pad", std::string("VALID"));
  } else if (pad == "same_upper") {
    a.set("auto_pad", std::string("SAME_UPPER"));
  } else if (pad == "same_lower") {
    a.set("auto_pad", std::string("SAME_LOWER"));
  } else {
    fail("{}: unknown auto_pad '{}'", b.where(l), pad);
  }
  return a;
}

void convert_convolution(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 2);
  b.add(l, "Conv", {l.inputs[0], l.inputs[1]}, {l.outputs[0]}, window(b, l, true));
}

// Weights [G, O/G, I/G, k...] -> [O, I/G, k...] with group = G.
void convert_group_convolution(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 2);
  const Tensor* w = b.constant_of(l.inputs[1]);
  if (!w) unsupported("{}: weights computed at run time are not supported", b.where(l));
  const Shape& s = w->shape();
  if (s.size() < 3)
    fail("{}: weights of rank {} (needs G, O/G, I/G, kernel...)", b.where(l), s.size());
  Shape merged{s[0] * s[1]};
  merged.insert(merged.end(), s.begin() + 2, s.end());
  const std::string weights = b.constant(l.name + "/weights", w->reshaped(merged));
  Attributes a = window(b, l, true);
  a.set("group", s[0]);
  b.add(l, "Conv", {l.inputs[0], weights}, {l.outputs[0]}, a);
}

void convert_pool(IrBuilder& b, const IrLayer& l, bool max) {
  b.require_inputs(l, 1);
  Attributes a = window(b, l, false);
  a.set("kernel_shape", b.ints(l, "kernel"));
  const std::string rounding = b.attr(l, "rounding_type", "floor");
  if (rounding != "floor" && rounding != "ceil")
    fail("{}: unknown rounding_type '{}'", b.where(l), rounding);
  a.set("ceil_mode", std::int64_t{rounding == "ceil" ? 1 : 0});
  if (max) {
    const auto d = b.ints(l, "dilations", {});
    for (auto x : d)
      if (x != 1) unsupported("{}: dilated max pooling is not supported", b.where(l));
  } else {
    const std::string ex = b.attr(l, "exclude-pad", "false");
    a.set("count_include_pad", std::int64_t{ex == "true" ? 0 : 1});
  }
  // MaxPool-8 has a second (indices) output; it is computed only when something reads it.
  std::vector<std::string> outs = {l.outputs[0]};
  b.add(l, max ? "MaxPool" : "AveragePool", {l.inputs[0]}, outs, a);
}

}  // namespace

INFERLAB_IR_OP("Convolution", convert_convolution);
INFERLAB_IR_OP("GroupConvolution", convert_group_convolution);
INFERLAB_IR_OP("MaxPool", [](IrBuilder& b, const IrLayer& l) { convert_pool(b, l, true); });
INFERLAB_IR_OP("AvgPool", [](IrBuilder& b, const IrLayer& l) { convert_pool(b, l, false); });

}  // namespace inferlab::ir_import
