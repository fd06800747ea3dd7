// Element-wise operations: binary arithmetic with numpy broadcasting, activations, Convert.
#include "frontends/openvino/ir_builder.h"

namespace inferlab::ir_import {

namespace {

void binary(IrBuilder& b, const IrLayer& l, const char* op) {
  b.require_inputs(l, 2);
  const std::string bc = b.attr(l, "auto_broadcast", "numpy");
  if (bc != "numpy" && bc != "none")
    unsupported("{}: auto_broadcast '{}' is not supported", b.where(l), bc);
  b.add(l, op, {l.inputs[0], l.inputs[1]}, {l.outputs[0]});
}

void unary(IrBuilder& b, const IrLayer& l, const char* op, Attributes a = {}) {
  b.require_inputs(l, 1);
  b.add(l, op, {l.inputs[0]}, {l.outputs[0]}, std::move(a));
}

void convert_clamp(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 1);
  auto scalar = [&](const char* name) {
    Tensor t(DType::f32, {});
    t.data<float>()[0] = b.float_attr(l, name);
    return b.constant(l.name + "/" + name, t);
  };
  b.add(l, "Clip", {l.inputs[0], scalar("min"), scalar("max")}, {l.outputs[0]});
}

void convert_convert(IrBuilder& b, const IrLayer& l) {
  b.require_inputs(l, 1);
  // IR element type -> (DType, ONNX TensorProto code for Cast's 'to').
  static const std::map<std::string, std::pair<DType, std::int64_t>> kTypes = {
      {"f32", {DType::f32, 1}}, {"u8", {DType::u8, 2}},   {"i8", {DType::i8, 3}},
      {"i32", {DType::i32, 6}}, {"i64", {DType::i64, 7}}, {"boolean", {DType::boolean, 9}},
      {"f16", {DType::f16, 10}}};
  const std::string to = b.attr(l, "destination_type");
  auto it = kTypes.find(to);
  if (it == kTypes.end()) unsupported("{}: destination_type '{}' is not supported", b.where(l), to);
  // Weights stored compressed (f16) are decompressed here once, not at every inference.
  if (const Tensor* c = b.constant_of(l.inputs[0])) {
    b.set_constant(l.outputs[0], c->cast(it->second.first));
    return;
  }
  Attributes a;
  a.set("to", it->second.second);
  b.add(l, "Cast", {l.inputs[0]}, {l.outputs[0]}, a);
}

}  // namespace

INFERLAB_IR_OP("Add", [](IrBuilder& b, const IrLayer& l) { binary(b, l, "Add"); });
INFERLAB_IR_OP("Multiply", [](IrBuilder& b, const IrLayer& l) { binary(b, l, "Mul"); });
INFERLAB_IR_OP("Subtract", [](IrBuilder& b, const IrLayer& l) { binary(b, l, "Sub"); });
INFERLAB_IR_OP("Divide", [](IrBuilder& b, const IrLayer& l) { binary(b, l, "Div"); });
INFERLAB_IR_OP("Maximum", [](IrBuilder& b, const IrLayer& l) { binary(b, l, "Max"); });
INFERLAB_IR_OP("Minimum", [](IrBuilder& b, const IrLayer& l) { binary(b, l, "Min"); });
INFERLAB_IR_OP("Power", [](IrBuilder& b, const IrLayer& l) { binary(b, l, "Pow"); });
INFERLAB_IR_OP("ReLU", [](IrBuilder& b, const IrLayer& l) { unary(b, l, "Relu"); });
INFERLAB_IR_OP("Sigmoid", [](IrBuilder& b, const IrLayer& l) { unary(b, l, "Sigmoid"); });
INFERLAB_IR_OP("Tanh", [](IrBuilder& b, const IrLayer& l) { unary(b, l, "Tanh"); });
INFERLAB_IR_OP("Exp", [](IrBuilder& b, const IrLayer& l) { unary(b, l, "Exp"); });
INFERLAB_IR_OP("Sqrt", [](IrBuilder& b, const IrLayer& l) { unary(b, l, "Sqrt"); });
INFERLAB_IR_OP("HSwish", [](IrBuilder& b, const IrLayer& l) { unary(b, l, "HardSwish"); });
INFERLAB_IR_OP("Clamp", convert_clamp);
INFERLAB_IR_OP("Convert", convert_convert);

}  // namespace inferlab::ir_import
