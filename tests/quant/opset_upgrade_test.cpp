// Raising an opset-9 model to 13 for the QDQ file: attributes that became inputs are moved,
// operators whose meaning changed are refused by name.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "quant/qdq_onnx.h"

// GCC 12 at -O3 reports a false -Wrestrict inside the inlined protobuf string setters below
// (clang has no such warning group).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

using namespace inferlab;

namespace {

onnx::ModelProto opset9(const std::string& op, std::int64_t axis) {
  onnx::ModelProto m;
  m.set_ir_version(4);
  m.add_opset_import()->set_version(9);
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name("n");
  n->add_input("x");
  n->add_output("y");
  auto* a = n->add_attribute();
  if (op == "Unsqueeze") {
    a->set_name("axes");
    a->set_type(onnx::AttributeProto::INTS);
    a->add_ints(axis);
  } else {
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(axis);
  }
  return m;
}

quant::RankOf rank3 = [](const std::string&) { return 3; };

}  // namespace

TEST(OpsetUpgrade, UnsqueezeAxesBecomeAnInput) {
  auto m = opset9("Unsqueeze", 0);
  quant::upgrade_to_opset13(m, rank3);
  EXPECT_EQ(m.opset_import(0).version(), 13);
  EXPECT_GE(m.ir_version(), 7);
  const auto& n = m.graph().node(0);
  ASSERT_EQ(n.input_size(), 2);
  EXPECT_EQ(n.attribute_size(), 0);
  ASSERT_EQ(m.graph().initializer_size(), 1);
  EXPECT_EQ(m.graph().initializer(0).name(), n.input(1));
  EXPECT_EQ(m.graph().initializer(0).int64_data(0), 0);
}

TEST(OpsetUpgrade, SoftmaxOnlyWhereTheMeaningIsKept) {
  auto last = opset9("Softmax", 2);
  EXPECT_NO_THROW(quant::upgrade_to_opset13(last, rank3));
  auto inner = opset9("Softmax", 1);  // flattened 2-D softmax over dims 1.. before opset 13
  try {
    quant::upgrade_to_opset13(inner, rank3);
    FAIL() << "no error";
  } catch (const Unsupported& e) {
    EXPECT_NE(std::string(e.what()).find("Softmax 'n' over axis 1 of a rank-3 input"),
              std::string::npos)
        << e.what();
  }
}

TEST(OpsetUpgrade, UnknownChangedOperatorIsRefused) {
  auto m = opset9("Upsample", 0);
  try {
    quant::upgrade_to_opset13(m, rank3);
    FAIL() << "no error";
  } catch (const Unsupported& e) {
    EXPECT_NE(std::string(e.what()).find("Upsample ('n')"), std::string::npos) << e.what();
  }
}
