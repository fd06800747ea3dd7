// Graph passes: each pass changes the graph as intended (checked on the graph) and keeps its
// results (checked against the reference engine on the unoptimized graph).
#include <gtest/gtest.h>

#include <map>

#include "engine_test_util.h"
#include "passes/passes.h"
#include "passes/shape_inference.h"

namespace inferlab::test {
namespace {

std::shared_ptr<Graph> prepared(const GraphBuilder& b) {
  auto g = std::make_shared<Graph>(*b.graph());
  infer_shapes_and_fold(*g);
  return g;
}

TEST(Passes, FoldBatchNormIntoConv) {
  GraphBuilder b;
  auto x = b.input("x", {1, 8, 10, 10});
  auto y = b.batchnorm("bn", b.conv("conv", x, 8, 16, 3), 16);
  b.output(y);
  auto g = prepared(b);
  EXPECT_EQ(fold_batchnorm(*g), 1);
  ASSERT_EQ(g->nodes.size(), 1u);
  EXPECT_EQ(g->nodes[0].op_type, "Conv");
  EXPECT_EQ(g->nodes[0].outputs[0], y);
  EXPECT_EQ(g->nodes[0].fused_from, (std::vector<std::string>{"conv", "bn"}));
  // The original weights are untouched (they could be shared).
  EXPECT_EQ(g->nodes[0].inputs[1], "conv_bn_w");
  expect_matches_reference(b.graph(), {});
}

TEST(Passes, FoldBatchNormSkipsSharedConvOutput) {
  GraphBuilder b;
  auto x = b.input("x", {1, 4, 6, 6});
  auto c = b.conv("conv", x, 4, 4, 1);
  b.output(b.batchnorm("bn", c, 4));
  b.output(c);  // the conv output is also needed unnormalised
  auto g = prepared(b);
  EXPECT_EQ(fold_batchnorm(*g), 0);
  EXPECT_EQ(count_op(*g, "BatchNormalization"), 1);
  expect_matches_reference(b.graph(), {});
}

TEST(Passes, FuseActivations) {
  // Each activation becomes exactly this typed post-op (kind and parameters).
  const std::map<std::string, PostOp> expected = {{"Relu", {PostOpKind::relu, 0.f, 0.f}},
                                                  {"LeakyRelu", {PostOpKind::relu, 0.2f, 0.f}},
                                                  {"Sigmoid", {PostOpKind::sigmoid, 0.f, 0.f}},
                                                  {"HardSwish", {PostOpKind::hardswish, 0.f, 0.f}},
                                                  {"Clip", {PostOpKind::clip, 0.f, 0.5f}}};
  for (const auto& [act, post] : expected) {
    SCOPED_TRACE(act);
    GraphBuilder b(act == "Clip" ? 13 : 13);
    auto x = b.input("x", {2, 8, 9, 9});
    auto c = b.conv("conv", x, 8, 16, 3);
    std::vector<std::string> in{c};
    Attributes a;
    if (act == "Clip") {
      in.push_back(b.constant("lo", Tensor(DType::f32, {})));
      Tensor hi(DType::f32, {});
      hi.data<float>()[0] = 0.5f;
      in.push_back(b.constant("hi", hi));
    }
    if (act == "LeakyRelu") a.set("alpha", 0.2f);
    b.output(b.node(act, "act", in, a));
    auto g = prepared(b);
    EXPECT_EQ(fuse_activation(*g), 1);
    ASSERT_EQ(g->nodes.size(), 1u);
    EXPECT_EQ(g->nodes[0].post_ops, std::vector<PostOp>{post});
    expect_matches_reference(b.graph(), {});
  }
}

TEST(Passes, FuseGemmActivation) {
  GraphBuilder b;
  auto x = b.input("x", {3, 20});
  Attributes a;
  a.set("transB", std::int64_t{1});
  auto y = b.node("Gemm", "fc", {x, b.weight("w", {10, 20}), b.weight("c", {10})}, a);
  b.output(b.node("Relu", "relu", {y}));
  auto g = prepared(b);
  EXPECT_EQ(fuse_activation(*g), 1);
  EXPECT_EQ(g->nodes.size(), 1u);
  expect_matches_reference(b.graph(), {});
}

TEST(Passes, ResidualAddBecomesSumPostOp) {
  GraphBuilder b;
  auto x = b.input("x", {1, 16, 8, 8});
  auto r = b.node("Relu", "r0", {b.conv("c0", x, 16, 16, 3)});
  auto c1 = b.conv("c1", r, 16, 16, 3);
  auto add = b.node("Add", "add", {c1, r});
  b.output(b.node("Relu", "relu", {add}));
  auto g = prepared(b);
  optimize_graph(*g);
  ASSERT_EQ(g->nodes.size(), 2u);
  const Node& n = g->nodes[1];
  EXPECT_EQ(n.name, "c1");
  ASSERT_EQ(n.inputs.size(), 4u);
  EXPECT_EQ(n.inputs[3], g->nodes[0].outputs[0]);
  EXPECT_EQ(n.post_ops, (std::vector<PostOp>{{PostOpKind::sum, 1.f, 0.f}, {PostOpKind::relu}}));
  EXPECT_EQ(n.fused_from, (std::vector<std::string>{"c1", "add", "relu"}));
  expect_matches_reference(b.graph(), {});
}

TEST(Passes, ResidualOperandStillNeededIsNotOverwritten) {
  // r feeds the Add and a later node: the sum must copy r, not accumulate into it.
  GraphBuilder b;
  auto x = b.input("x", {1, 16, 8, 8});
  auto r = b.conv("c0", x, 16, 16, 1);
  auto add = b.node("Add", "add", {b.conv("c1", r, 16, 16, 3), r});
  b.output(b.node("Mul", "mul", {add, r}));
  expect_matches_reference(b.graph(), {});
}

TEST(Passes, RemoveIdentityKeepsGraphOutputNames) {
  GraphBuilder b;
  auto x = b.input("x", {1, 4, 5, 5});
  auto c = b.conv("conv", x, 4, 4, 3);
  auto d = b.node("Dropout", "drop", {c});
  auto i1 = b.node("Identity", "id1", {d});
  Attributes perm;
  perm.set("perm", std::vector<std::int64_t>{0, 1, 2, 3});
  auto t = b.node("Transpose", "tr", {i1}, perm);
  b.output(b.node("Identity", "id2", {t}));
  auto g = prepared(b);
  EXPECT_EQ(remove_identity(*g), 4);
  ASSERT_EQ(g->nodes.size(), 1u);
  EXPECT_EQ(g->nodes[0].outputs[0], "id2_out");
  expect_matches_reference(b.graph(), {});
}

TEST(Passes, IdentityOfInputToOutputIsKept) {
  GraphBuilder b;
  auto x = b.input("x", {2, 3});
  b.output(b.node("Identity", "id", {x}));
  auto g = prepared(b);
  EXPECT_EQ(remove_identity(*g), 0);
  expect_matches_reference(b.graph(), {});
}

}  // namespace
}  // namespace inferlab::test
