// Data movement and reductions: Reshape, Transpose, Concat, Squeeze, Unsqueeze, ShapeOf,
// Gather, Softmax, MatMul, ReduceMean.
#include "frontends/openvino/ir_builder.h"

namespace inferlab::ir_import {

namespace {

void convert_reshape(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 2);
  // special_zero: 0 copies the input's dimension (ONNX's default); without it 0 is a zero-sized
  // dimension (ONNX's allowzero). The target may be computed (ShapeOf chains fold later).
  const bool special_zero = b.attr(l, "special_zero", "false") == "true";
  Attributes a;
  if (!special_zero) a.set("allowzero", std::int64_t{1});
  b.add(l, "Reshape", {l.inputs[0], l.inputs[1]}, {l.outputs[0]}, a);
}

void convert_transpose(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 2);
  Attributes a;
  a.set("perm", b.const_ints(l, 1, "order"));
  b.add(l, "Transpose", {l.inputs[0]}, {l.outputs[0]}, a);
}

void convert_concat(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 1);
  Attributes a;
  a.set("axis", b.int_attr(l, "axis", 0));
  b.add(l, "Concat", l.inputs, {l.outputs[0]}, a);
}

// Squeeze/Unsqueeze take their axes as an input, as ONNX opset 13 does.
void convert_squeeze(IrBuilder& b, const IrLayer& l, const char* op) {
  b.require_inputs(l, 1);
  b.add(l, op, l.inputs, {l.outputs[0]});
}

void convert_shape_of(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 1);
  const std::string type = b.attr(l, "output_type", "i64");
  if (type == "i64") {
    b.add(l, "Shape", {l.inputs[0]}, {l.outputs[0]});
    return;
  }
  if (type != "i32") unsupported("{}: output_type '{}'", b.where(l), type);
  const std::string s = b.temp(l.name + "/i64");
  b.add(l, "Shape", {l.inputs[0]}, {s});
  Attributes a;
  a.set("to", std::int64_t{6});
  b.add(l, "Cast", {s}, {l.outputs[0]}, a);
}

void convert_gather(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 3);
  if (b.int_attr(l, "batch_dims", 0) != 0)
    unsupported("{}: batch_dims other than 0 are not supported", b.where(l));
  const auto axis = b.const_ints(l, 2, "axis");
  if (axis.size() != 1) fail("{}: axis must be one value", b.where(l));
  Attributes a;
  a.set("axis", axis[0]);
  b.add(l, "Gather", {l.inputs[0], l.inputs[1]}, {l.outputs[0]}, a);
}

void convert_softmax(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 1);
  Attributes a;
  a.set("axis", b.int_attr(l, "axis", 1));
  b.add(l, "Softmax", {l.inputs[0]}, {l.outputs[0]}, a);
}

// transpose_a/transpose_b swap the last two axes of an input: folded into constants, or a
// Transpose node for computed inputs.
std::string transposed(IrBuilder& b, const IrLayer& l, std::size_t i) {
  const std::string v = l.inputs[i];
  const Tensor* c = b.constant_of(v);
  if (!c) unsupported("{}: transposing a computed MatMul input is not supported", b.where(l));
  if (c->rank() != 2) unsupported("{}: transposing a rank-{} constant", b.where(l), c->rank());
  const std::int64_t r = c->shape()[0], k = c->shape()[1];
  Tensor t(c->dtype(), {k, r});
  const auto esz = dtype_size(c->dtype());
  const auto* src = static_cast<const char*>(c->raw());
  auto* dst = static_cast<char*>(t.raw());
  for (std::int64_t y = 0; y < r; ++y)
    for (std::int64_t x = 0; x < k; ++x)
      std::copy_n(src + (y * k + x) * esz, esz, dst + (x * r + y) * esz);
  return b.constant(v + "/T", t);
}

void convert_matmul(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 2);
  const std::string a =
      b.attr(l, "transpose_a", "false") == "true" ? transposed(b, l, 0) : l.inputs[0];
  const std::string c =
      b.attr(l, "transpose_b", "false") == "true" ? transposed(b, l, 1) : l.inputs[1];
  b.add(l, "MatMul", {a, c}, {l.outputs[0]});
}

void convert_reduce(IrBuilder& b, const IrLayer& l, const char* op) {
  b.require_inputs(l, 2);
  Attributes a;
  a.set("axes", b.const_ints(l, 1, "axes"));
  a.set("keepdims", std::int64_t{b.attr(l, "keep_dims", "false") == "true" ? 1 : 0});
  b.add(l, op, {l.inputs[0]}, {l.outputs[0]}, a);
}

}  // namespace

INFERLAB_IR_OP("Reshape", convert_reshape);
INFERLAB_IR_OP("Transpose", convert_transpose);
INFERLAB_IR_OP("Concat", convert_concat);
INFERLAB_IR_OP("Squeeze", [](IrBuilder& b, const IrLayer& l) { convert_squeeze(b, l, "Squeeze"); });
INFERLAB_IR_OP("Unsqueeze",
               [](IrBuilder& b, const IrLayer& l) { convert_squeeze(b, l, "Unsqueeze"); });
INFERLAB_IR_OP("ShapeOf", convert_shape_of);
INFERLAB_IR_OP("Gather", convert_gather);
INFERLAB_IR_OP("Softmax", convert_softmax);
INFERLAB_IR_OP("SoftMax", convert_softmax);  // opset 1's spelling
INFERLAB_IR_OP("MatMul", convert_matmul);
INFERLAB_IR_OP("ReduceMean",
               [](IrBuilder& b, const IrLayer& l) { convert_reduce(b, l, "ReduceMean"); });
INFERLAB_IR_OP("ReduceMax",
               [](IrBuilder& b, const IrLayer& l) { convert_reduce(b, l, "ReduceMax"); });
INFERLAB_IR_OP("ReduceL2",
               [](IrBuilder& b, const IrLayer& l) { convert_reduce(b, l, "ReduceL2"); });
INFERLAB_IR_OP("ReduceProd",
               [](IrBuilder& b, const IrLayer& l) { convert_reduce(b, l, "ReduceProd"); });
INFERLAB_IR_OP("ReduceSum",
               [](IrBuilder& b, const IrLayer& l) { convert_reduce(b, l, "ReduceSum"); });

}  // namespace inferlab::ir_import
