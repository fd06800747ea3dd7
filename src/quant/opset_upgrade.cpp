// Raises a model's default-domain opset to 13 for the QDQ rewrite. Only operators whose meaning
// is unchanged between the model's opset and 13, or that are rewritten here, are accepted.
#include <onnx/onnx_pb.h>

#include <set>

#include "quant/qdq_onnx.h"

namespace inferlab::quant {
namespace {

// Same signature and meaning from opset 7 to 13 for inference (BatchNormalization: the
// training outputs dropped in 9 are not used; MaxPool/AveragePool only gained attributes).
const std::set<std::string> kUnchanged = {
    "Abs", "Add", "And", "AveragePool", "BatchNormalization", "Cast", "Ceil", "Concat", "Constant",
    "ConstantOfShape", "Conv", "ConvTranspose", "Div", "Elu", "Equal", "Exp", "Expand", "Flatten",
    "Floor", "Gather", "Gemm", "GlobalAveragePool", "GlobalMaxPool", "Greater", "HardSigmoid",
    "Identity", "LeakyRelu", "Less", "Log", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mul", "Neg",
    "Not", "Or", "PRelu", "Pow", "Reciprocal", "Relu", "Reshape", "Shape", "Sigmoid", "Sqrt", "Sub",
    "Sum", "Tanh", "Tile", "Transpose", "Where",
    // axes stay attributes until opset 18
    "ReduceMean", "ReduceMax", "ReduceMin"};

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

void erase_attr(onnx::NodeProto& n, const std::string& name) {
  auto* attrs = n.mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i)
    if (attrs->Get(i).name() == name) attrs->DeleteSubrange(i, 1);
}

class Upgrader {
 public:
  Upgrader(onnx::ModelProto& m, const RankOf& rank_of) : m_(m), rank_of_(rank_of) {
    for (const auto& i : m.graph().initializer()) names_.insert(i.name());
    for (const auto& n : m.graph().node())
      for (const auto& o : n.output()) names_.insert(o);
  }

  // An int64 / float initializer, appended as input `n` of the node (after padding with "").
  void attr_to_input(onnx::NodeProto& n, const std::string& attr, int index,
                     bool as_float = false) {
    const auto* a = find_attr(n, attr);
    if (!a) return;
    auto* t = m_.mutable_graph()->add_initializer();
    std::string name = n.name() + "_" + attr;
    for (int k = 1; names_.count(name); ++k) name = fmt::format("{}_{}_{}", n.name(), attr, k);
    names_.insert(name);
    t->set_name(name);
    if (as_float) {
      t->set_data_type(onnx::TensorProto::FLOAT);
      t->add_float_data(a->f());
    } else {
      t->set_data_type(onnx::TensorProto::INT64);
      t->add_dims(a->ints_size());
      for (auto v : a->ints()) t->add_int64_data(v);
    }
    while (n.input_size() <= index) n.add_input("");
    n.set_input(index, name);
    erase_attr(n, attr);
  }

  void node(onnx::NodeProto& n, int opset) {
    const std::string& op = n.op_type();
    if (kUnchanged.count(op)) return;
    if ((op == "Unsqueeze" || op == "Squeeze" || op == "ReduceSum") && opset < 13) {
      attr_to_input(n, "axes", 1);
    } else if (op == "Split" && opset < 13) {
      attr_to_input(n, "split", 1);
    } else if (op == "Slice" && opset < 10) {
      attr_to_input(n, "starts", 1);
      attr_to_input(n, "ends", 2);
      attr_to_input(n, "axes", 3);
    } else if (op == "Clip" && opset < 11) {
      const bool has_min = find_attr(n, "min"), has_max = find_attr(n, "max");
      if (has_min) attr_to_input(n, "min", 1, true);
      if (has_max) attr_to_input(n, "max", 2, true);
    } else if (op == "Pad" && opset < 11) {
      attr_to_input(n, "pads", 1);
      if (find_attr(n, "value")) attr_to_input(n, "value", 2, true);
    } else if ((op == "Softmax" || op == "LogSoftmax") && opset < 13) {
      // Before 13 the input is flattened to 2-D at `axis` (default 1); that is softmax over the
      // last axis exactly when `axis` is the last one.
      const auto* a = find_attr(n, "axis");
      const std::int64_t axis = a ? a->i() : 1;
      const int rank = rank_of_ ? rank_of_(n.input(0)) : -1;
      if (rank < 0 || (axis != rank - 1 && axis != -1))
        unsupported(
            "cannot raise opset {} to 13: {} '{}' over axis {} of a rank-{} input "
            "changed meaning",
            opset, op, n.name(), axis, rank);
    } else {
      unsupported(
          "cannot raise opset {} to 13 for the QDQ model: {} ('{}') is not known to keep "
          "its meaning",
          opset, op, n.name());
    }
  }

 private:
  onnx::ModelProto& m_;
  const RankOf& rank_of_;
  std::set<std::string> names_;
};

}  // namespace

void upgrade_to_opset13(onnx::ModelProto& m, const RankOf& rank_of) {
  int opset = 0;
  onnx::OperatorSetIdProto* def = nullptr;
  for (auto& o : *m.mutable_opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      def = &o;
      opset = static_cast<int>(o.version());
    }
  if (!def || opset >= 13) return;
  Upgrader u(m, rank_of);
  for (auto& n : *m.mutable_graph()->mutable_node())
    if (n.domain().empty() || n.domain() == "ai.onnx") u.node(n, opset);
  def->set_version(13);
  if (m.ir_version() < 7) m.set_ir_version(7);
}

}  // namespace inferlab::quant
