// 1x1 Conv + 3x3 depthwise Conv fusion (passes/fuse_depthwise.cpp, oneDNN's depthwise post-op):
// the pass on its own, the fused primitive against the reference engine (rtol 1e-3, atol 1e-4)
// for both strides, with and without a depthwise bias, and the zoo's MobileNetV2.
#include <gtest/gtest.h>

#include "engine_test_util.h"
#include "passes/passes.h"
#include "passes/shape_inference.h"
#include "zoo/zoo.h"

namespace inferlab::test {
namespace {

std::string relu6(GraphBuilder& b, const std::string& name, const std::string& x) {
  return b.node("Clip", name,
                {x, b.constant(name + "_lo", scalar_of(DType::f32, 0)),
                 b.constant(name + "_hi", scalar_of(DType::f32, 6))});
}

// x -> 1x1 expand (cin -> c) + BN + ReLU6 -> 3x3 depthwise (stride s) + BN + ReLU6 -> 1x1
// project, MobileNetV2's inverted residual. `dw_bias` false: the depthwise Conv has no bias.
std::shared_ptr<Graph> block(std::int64_t n, std::int64_t cin, std::int64_t c, std::int64_t hw,
                             std::int64_t s, bool dw_bias = true) {
  GraphBuilder b;
  auto x = b.input("x", {n, cin, hw, hw});
  auto e = relu6(b, "e_relu6", b.batchnorm("e_bn", b.conv("expand", x, cin, c, 1), c));
  auto d = b.conv("dw", e, c, c, 3, s, c);
  if (!dw_bias) {
    Graph& g = *b.graph();
    g.nodes.back().inputs.resize(2);
  }
  d = relu6(b, "d_relu6", b.batchnorm("d_bn", d, c));
  b.output(b.conv("project", d, c, cin, 1));
  auto g = b.graph();
  infer_shapes_and_fold(*g);
  return g;
}

TEST(DepthwiseFusion, PassFusesExpandAndDepthwise) {
  auto g = block(1, 16, 96, 28, 2);
  optimize_graph(*g);
  ASSERT_EQ(count_op(*g, "Conv"), 3);
  std::vector<std::string> asked;
  EXPECT_EQ(fuse_depthwise(*g,
                           [&](const Graph&, const Node& f) {
                             asked.push_back(f.name);
                             return true;
                           }),
            1);
  EXPECT_EQ(asked, std::vector<std::string>{"expand"});
  ASSERT_EQ(count_op(*g, "Conv"), 2);
  const Node& f = g->nodes[0];
  ASSERT_EQ(f.post_ops.size(), 3u);
  EXPECT_EQ(f.post_ops[0].kind, PostOpKind::clip);
  EXPECT_EQ(f.post_ops[1].kind, PostOpKind::depthwise);
  EXPECT_EQ(f.post_ops[1].stride, 2);
  EXPECT_EQ(f.post_ops[2].kind, PostOpKind::clip);
  ASSERT_EQ(f.inputs.size(), 6u);
  EXPECT_FALSE(f.has_input(3));
  EXPECT_EQ(g->value(f.inputs[4]).shape, (Shape{96, 1, 3, 3}));
  EXPECT_EQ(g->value(f.outputs[0]).shape, (Shape{1, 96, 14, 14}));
  EXPECT_EQ(f.fused_from.front(), "expand");
  EXPECT_EQ(f.fused_from.back(), "d_relu6");
}

TEST(DepthwiseFusion, RefusedPairAndNonMatchingShapesStay) {
  auto g = block(1, 16, 96, 28, 1, /*dw_bias=*/false);
  optimize_graph(*g);
  const std::size_t values = g->values().size();
  EXPECT_EQ(fuse_depthwise(*g, [](const Graph&, const Node&) { return false; }), 0);
  EXPECT_EQ(count_op(*g, "Conv"), 3);
  EXPECT_EQ(g->values().size(), values);  // the zero bias made for the candidate is gone
  // A 3x3 expand is not a 1x1 expand: nothing to fuse.
  GraphBuilder b;
  auto y = b.conv("dw", b.conv("full", b.input("x", {1, 16, 8, 8}), 16, 32, 3), 32, 32, 3, 1, 32);
  b.output(y);
  auto h = b.graph();
  infer_shapes_and_fold(*h);
  EXPECT_EQ(fuse_depthwise(*h, [](const Graph&, const Node&) { return true; }), 0);
}

struct Case {
  std::int64_t n, cin, c, hw, s;
  bool dw_bias;
};

class FusedBlock : public ::testing::TestWithParam<Case> {};

TEST_P(FusedBlock, MatchesReferenceAndDumpShowsFusion) {
  const Case k = GetParam();
  auto g = block(k.n, k.cin, k.c, k.hw, k.s, k.dw_bias);
  CompileOptions o;
  o.threads_per_stream = 1;
  expect_matches_reference(g, o, 1e-3, 1e-4);
  Core core;
  const std::string dump = core.compile_model(wrap_graph(g), o).dump_graph();
  const bool fused = dump.find("post=clip,dw,clip") != std::string::npos;
  if (!fused && !avx512()) GTEST_SKIP() << "oneDNN does not fuse this pair on this CPU:\n" << dump;
  EXPECT_TRUE(fused) << dump;
  EXPECT_NE(dump.find("fused=expand,e_bn,e_relu6,dw,d_bn,d_relu6"), std::string::npos) << dump;
  EXPECT_NE(dump.find("(0 reference)"), std::string::npos) << dump;
}

// Shapes where oneDNN 2.6 has a fused kernel (not its ref_fused_convolution): MobileNetV2's
// first expand at batch 1, the 56x56 layers at batch 8 (measured, docs/engine.md).
INSTANTIATE_TEST_SUITE_P(Shapes, FusedBlock,
                         ::testing::Values(Case{1, 16, 96, 112, 2, true},
                                           Case{1, 16, 96, 112, 2, false},
                                           Case{8, 24, 144, 56, 1, true},
                                           Case{8, 24, 144, 56, 2, false}));

TEST(DepthwiseFusion, MobileNetV2MatchesReference) {
  const auto g = zoo::import_model(zoo::build_model("mobilenet_v2", {}));
  for (std::int64_t batch : {1, 8}) {
    SCOPED_TRACE(fmt::format("batch {}", batch));
    CompileOptions o;
    o.batch = batch;
    o.threads_per_stream = 1;
    expect_matches_reference(g, o, 1e-3, 1e-4);
    Core core;
    const std::string dump = core.compile_model(wrap_graph(g), o).dump_graph();
    if (avx512()) {
      EXPECT_NE(dump.find(",dw,"), std::string::npos) << dump;
    }
  }
}

}  // namespace
}  // namespace inferlab::test
