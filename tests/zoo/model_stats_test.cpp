// model_stats on a small hand-made graph: each figure computed by hand from the conventions in
// analysis/model_stats.h.
#include <gtest/gtest.h>

#include "analysis/model_stats.h"
#include "ir/macs.h"
#include "passes/shape_inference.h"

namespace inferlab {
namespace {

void add_constant(Graph& g, const std::string& name, const Shape& s, DType t = DType::f32) {
  Value& v = g.add_value(name);
  v.dtype = t;
  v.shape = s;
  v.known = true;
  v.constant = Tensor(t, s);
}

Node& add_node(Graph& g, const std::string& op, const std::string& name,
               std::vector<std::string> inputs) {
  Node n;
  n.op_type = op;
  n.name = name;
  n.opset = 13;
  n.inputs = std::move(inputs);
  n.outputs = {name};
  n.fused_from = {name};
  g.add_value(name);
  g.nodes.push_back(std::move(n));
  return g.nodes.back();
}

Graph make_graph(std::int64_t batch) {
  Graph g;
  g.opset = 13;
  Value& x = g.add_value("x");
  x.dtype = DType::f32;
  x.shape = {batch, 4, 8, 8};
  x.known = true;
  g.inputs = {"x"};
  // Grouped conv 4 -> 6, 2 groups, 3x3, pad 1: weight [6, 2, 3, 3] + bias [6].
  add_constant(g, "w", {6, 2, 3, 3});
  add_constant(g, "b", {6});
  Node& c = add_node(g, "Conv", "conv", {"x", "w", "b"});
  c.attrs.set("group", std::int64_t{2});
  c.attrs.set("pads", std::vector<std::int64_t>{1, 1, 1, 1});
  // The same weights again: MACs count twice, parameters once.
  Node& c2 = add_node(g, "Conv", "conv_again", {"x", "w", "b"});
  c2.attrs.set("group", std::int64_t{2});
  c2.attrs.set("pads", std::vector<std::int64_t>{1, 1, 1, 1});
  add_node(g, "Add", "sum", {"conv", "conv_again"});
  for (const char* n : {"gamma", "beta", "mean", "var"}) add_constant(g, n, {6});
  add_node(g, "BatchNormalization", "bn", {"sum", "gamma", "beta", "mean", "var"});
  add_constant(g, "scale", {1, 6, 1, 1});  // a learned per-channel scale: 6 parameters
  add_node(g, "Mul", "scaled", {"bn", "scale"});
  add_constant(g, "half", {});  // a scalar: not a parameter
  add_node(g, "Mul", "halved", {"scaled", "half"});
  // ConvTranspose 6 -> 3, 2x2 stride 2: weight [6, 3, 2, 2], output [N, 3, 16, 16].
  add_constant(g, "wt", {6, 3, 2, 2});
  Node& t = add_node(g, "ConvTranspose", "up", {"halved", "wt"});
  t.attrs.set("strides", std::vector<std::int64_t>{2, 2});
  add_node(g, "Flatten", "flat", {"up"});  // [N, 768]
  add_constant(g, "fc_w", {10, 768});
  add_constant(g, "fc_b", {10});
  add_node(g, "Gemm", "fc", {"flat", "fc_w", "fc_b"}).attrs.set("transB", std::int64_t{1});
  add_constant(g, "proj", {10, 5});
  add_node(g, "MatMul", "mm", {"fc", "proj"});
  add_constant(g, "shape", {2}, DType::i64);
  add_node(g, "Reshape", "out", {"mm", "shape"});
  g.value("shape").constant->data<std::int64_t>()[0] = batch;
  g.value("shape").constant->data<std::int64_t>()[1] = -1;
  g.outputs = {"out"};
  return g;
}

TEST(ModelStats, HandComputedFigures) {
  const ModelStats s = compute_model_stats(make_graph(2), 0);
  std::map<std::string, NodeStats> by_name;
  for (const auto& n : s.nodes) by_name[n.name] = n;
  const std::int64_t conv_macs = 2 * 6 * 8 * 8 * (4 / 2) * 3 * 3;  // N*Cout*H*W*(Cin/g)*k*k
  EXPECT_EQ(by_name["conv"].macs, conv_macs);
  EXPECT_EQ(by_name["conv_again"].macs, conv_macs);
  EXPECT_EQ(by_name["conv"].params, 6 * 2 * 3 * 3 + 6);
  EXPECT_EQ(by_name["conv_again"].params, 0);
  EXPECT_EQ(by_name["bn"].params, 12);  // gamma and beta, not the running statistics
  EXPECT_EQ(by_name["scaled"].params, 6);
  EXPECT_EQ(by_name["halved"].params, 0);
  const std::int64_t up_macs = 2 * 6 * 8 * 8 * 3 * 2 * 2;  // N*Cin*H*W*(Cout/g)*k*k
  EXPECT_EQ(by_name["up"].macs, up_macs);
  EXPECT_EQ(by_name["up"].params, 6 * 3 * 2 * 2);
  EXPECT_EQ(by_name["fc"].macs, 2 * 10 * 768);
  EXPECT_EQ(by_name["fc"].params, 7680 + 10);
  EXPECT_EQ(by_name["mm"].macs, 2 * 5 * 10);
  EXPECT_EQ(by_name["mm"].params, 50);
  EXPECT_EQ(by_name["out"].params, 0);  // the int64 shape is no parameter
  EXPECT_EQ(s.macs, 2 * conv_macs + up_macs + 2 * 10 * 768 + 2 * 5 * 10);
  EXPECT_EQ(s.params, 114 + 12 + 6 + 72 + 7690 + 50);
  EXPECT_EQ(s.param_bytes, s.params * 4);
  // Every distinct constant: parameters + mean/var (12) + scalar (1) as f32, shape as i64.
  EXPECT_EQ(s.weight_bytes, (s.params + 12 + 1) * 4 + 2 * 8);
  EXPECT_EQ(s.macs_by_op.at("Conv"), 2 * conv_macs);
  EXPECT_EQ(s.macs_by_op.count("Add"), 0u);
  // Bytes: conv reads x (2*4*8*8 floats) and writes 2*6*8*8 floats; weights 114 floats.
  EXPECT_EQ(by_name["conv"].input_bytes, 2 * 4 * 8 * 8 * 4);
  EXPECT_EQ(by_name["conv"].output_bytes, 2 * 6 * 8 * 8 * 4);
  EXPECT_EQ(by_name["conv"].weight_bytes, 114 * 4);
  EXPECT_EQ(by_name["sum"].input_bytes, 2 * by_name["conv"].output_bytes);
}

TEST(ModelStats, BatchOverrideScalesMacs) {
  const ModelStats one = compute_model_stats(make_graph(1), 0);
  Graph dynamic = make_graph(1);
  dynamic.value("x").shape[0] = kDynamic;
  dynamic.value("shape").constant->data<std::int64_t>()[0] = 0;  // copy the batch dimension
  const ModelStats four = compute_model_stats(dynamic, 4);
  EXPECT_EQ(four.macs, 4 * one.macs);
  EXPECT_EQ(four.params, one.params);
}

TEST(ModelStats, UnknownShapesAreAnError) {
  Graph g = make_graph(1);  // shapes not inferred: node outputs are unknown
  try {
    compute_model_stats(g);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'conv'"), std::string::npos) << e.what();
  }
  g.value("x").shape[1] = kDynamic;
  EXPECT_THROW(compute_model_stats(g, 0), Error);  // a dynamic channel count nobody fixed
}

// Quantized layers count like their float forms: integer weights (and the int32 bias) are
// parameters, scales and zero points are not. Shapes are set by hand (no shape inference).
TEST(ModelStats, QuantizedLayers) {
  Graph g;
  auto known = [&](const std::string& name, const Shape& s, DType t, bool constant) {
    Value& v = g.add_value(name);
    v.dtype = t;
    v.shape = s;
    v.known = true;
    if (constant) v.constant = Tensor(t, s);
  };
  known("x", {1, 8, 4, 4}, DType::u8, false);
  g.inputs = {"x"};
  for (const char* s : {"xs", "ws", "ys"}) known(s, {}, DType::f32, true);
  for (const char* z : {"xz", "wz", "yz"}) known(z, {}, DType::u8, true);
  known("w", {16, 8, 1, 1}, DType::i8, true);
  known("bias", {16}, DType::i32, true);
  known("y", {1, 16, 4, 4}, DType::u8, false);
  Node c;
  c.name = "qconv";
  c.op_type = "QLinearConv";
  c.inputs = {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "bias"};
  c.outputs = {"y"};
  g.nodes.push_back(c);
  known("m", {4, 3}, DType::i8, true);  // [1,16,4,4] x [4,3]
  known("z", {1, 16, 4, 3}, DType::u8, false);
  Node mm;
  mm.name = "qmm";
  mm.op_type = "QLinearMatMul";
  mm.inputs = {"y", "ys", "yz", "m", "ws", "wz", "ys", "yz"};
  mm.outputs = {"z"};
  g.nodes.push_back(mm);
  g.outputs = {"z"};
  const ModelStats s = compute_model_stats(g);
  EXPECT_EQ(s.nodes[0].macs, 16 * 4 * 4 * 8);
  EXPECT_EQ(s.nodes[0].params, 16 * 8 + 16);
  EXPECT_EQ(s.nodes[1].macs, 16 * 4 * 3 * 4);
  EXPECT_EQ(s.nodes[1].params, 4 * 3);
  EXPECT_EQ(s.param_bytes, 128 + 16 * 4 + 12);
  // The engine's fused form (the residual sum folded into the conv) counts like QLinearConv.
  g.nodes[0].op_type = "QLinearConvSum";
  EXPECT_EQ(node_macs(g, g.nodes[0]), 16 * 4 * 4 * 8);
}

// One counter: the engine's stream rule sizes a model with the same MACs the statistics report.
TEST(ModelStats, StreamRuleCountsTheSameMacs) {
  Graph g = make_graph(2);
  infer_shapes_and_fold(g);
  EXPECT_EQ(graph_macs(g), static_cast<double>(compute_model_stats(g).macs));
  // Unknown shapes: no figure rather than a wrong one, and 0 in the graph's sum.
  Graph unknown = make_graph(2);
  EXPECT_EQ(node_macs(unknown, unknown.nodes[0]), std::nullopt);
  EXPECT_EQ(graph_macs(unknown), 0.0);
  EXPECT_EQ(node_macs(g, g.nodes[2]), 0);  // the Add
}

}  // namespace
}  // namespace inferlab
