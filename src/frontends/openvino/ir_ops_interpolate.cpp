// Interpolate (opset 4 and 11) -> ONNX Resize with full-rank scales or sizes. The input rank
// and static dimensions come from the layer's input port (<dim> elements of the IR).
#include "frontends/openvino/ir_builder.h"

namespace inferlab::ir_import {

namespace {

Shape input_port_dims(const IrLayer& l) {
  Shape dims;
  for (auto d : l.node.child("input").child("port").children("dim")) {
    const std::string t = d.text().as_string();
    dims.push_back(!t.empty() && t.find_first_not_of("0123456789") == std::string::npos
                       ? d.text().as_llong()
                       : kDynamic);
  }
  return dims;
}

void convert_interpolate(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 2);
  const bool v11 = l.version == "opset11";
  if (!v11 && l.version != "opset4")
    unsupported("{}: Interpolate {} (only opset4 and opset11)", b.where(l), l.version);
  const Shape in = input_port_dims(l);
  if (in.empty()) fail("{}: the input port gives no dimensions", b.where(l));
  for (auto p : b.ints(l, "pads_begin", {0}))
    if (p != 0) unsupported("{}: padding is not supported", b.where(l));
  for (auto p : b.ints(l, "pads_end", {0}))
    if (p != 0) unsupported("{}: padding is not supported", b.where(l));
  if (b.attr(l, "antialias", "false") == "true")
    unsupported("{}: antialias is not supported", b.where(l));

  const std::string mode = b.attr(l, "mode");
  Attributes a;
  if (mode == "nearest" || mode == "cubic") {
    a.set("mode", mode);
  } else if (mode == "linear_onnx") {
    a.set("mode", std::string("linear"));
  } else {
    unsupported("{}: mode '{}' is not supported", b.where(l), mode);
  }
  a.set("coordinate_transformation_mode",
        b.attr(l, "coordinate_transformation_mode", "half_pixel"));
  const std::string nearest = b.attr(l, "nearest_mode", "round_prefer_floor");
  if (nearest == "simple") unsupported("{}: nearest_mode 'simple'", b.where(l));
  a.set("nearest_mode", nearest);
  a.set("cubic_coeff_a", std::stof(b.attr(l, "cube_coeff", "-0.75")));

  const std::size_t axes_input = v11 ? 2 : 3;
  std::vector<std::int64_t> axes;
  if (l.inputs.size() > axes_input) {
    axes = b.const_ints(l, axes_input, "axes");
  } else {
    for (std::size_t i = 0; i < in.size(); ++i) axes.push_back(static_cast<std::int64_t>(i));
    if (!v11 && axes.size() > 2) axes.erase(axes.begin(), axes.begin() + 2);  // opset4: spatial
  }
  const std::string calc = b.attr(l, "shape_calculation_mode");
  const std::string empty = b.constant(l.name + "/empty", Tensor(DType::f32, {0}));
  if (calc == "scales") {
    const Tensor* s = b.constant_of(l.inputs[v11 ? 1 : 2]);
    if (!s) unsupported("{}: scales must be constant", b.where(l));
    if (s->numel() != static_cast<std::int64_t>(axes.size()))
      fail("{}: {} scales for {} axes", b.where(l), s->numel(), axes.size());
    Tensor full(DType::f32, {static_cast<std::int64_t>(in.size())});
    std::fill(full.data<float>(), full.data<float>() + in.size(), 1.0f);
    for (std::size_t i = 0; i < axes.size(); ++i)
      full.data<float>()[normalize_axis(axes[i], in.size(), b.where(l))] =
          static_cast<float>(s->at_f64(static_cast<std::int64_t>(i)));
    b.add(l, "Resize", {l.inputs[0], empty, b.constant(l.name + "/scales", full)}, {l.outputs[0]},
          a);
    return;
  }
  if (calc != "sizes") fail("{}: unknown shape_calculation_mode '{}'", b.where(l), calc);
  const auto sizes = b.const_ints(l, 1, "sizes");
  if (sizes.size() != axes.size())
    fail("{}: {} sizes for {} axes", b.where(l), sizes.size(), axes.size());
  std::vector<std::int64_t> full(in.begin(), in.end());
  for (std::size_t i = 0; i < axes.size(); ++i)
    full[static_cast<std::size_t>(normalize_axis(axes[i], in.size(), b.where(l)))] = sizes[i];
  for (auto d : full)
    if (d < 0) unsupported("{}: sizes with a dynamic dimension kept", b.where(l));
  Tensor t(DType::i64, {static_cast<std::int64_t>(full.size())});
  std::copy(full.begin(), full.end(), t.data<std::int64_t>());
  b.add(l, "Resize", {l.inputs[0], empty, empty, b.constant(l.name + "/sizes", t)}, {l.outputs[0]},
        a);
}

}  // namespace

INFERLAB_IR_OP("Interpolate", convert_interpolate);

}  // namespace inferlab::ir_import
