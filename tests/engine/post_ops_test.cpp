// Typed post-ops (ir/post_op.h): the plain-data application used when a fused node runs its
// reference kernel, kind by kind with known values, and the oneDNN path on a fused node whose
// post-ops are set directly (so a kind the kernel dropped or mapped wrongly shows up).
#include <gtest/gtest.h>

#include <cmath>

#include "engine_test_util.h"
#include "runtime/optimized_postops.h"

namespace inferlab::test {
namespace {

Tensor values(std::vector<float> v) {
  Tensor t(DType::f32, {static_cast<std::int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

std::vector<float> applied(const std::vector<PostOp>& posts, std::vector<float> y,
                           std::vector<float> sum = {}) {
  Tensor t = values(std::move(y));
  apply_post_ops_plain(posts, t, sum.empty() ? Tensor() : values(std::move(sum)));
  return {t.data<float>(), t.data<float>() + t.numel()};
}

TEST(PostOps, PlainApplicationKindByKind) {
  const std::vector<float> x{-2.f, -0.5f, 0.5f, 4.f};
  EXPECT_EQ(applied({{PostOpKind::relu}}, x), (std::vector<float>{0.f, 0.f, 0.5f, 4.f}));
  EXPECT_EQ(applied({{PostOpKind::relu, 0.25f}}, x),
            (std::vector<float>{-0.5f, -0.125f, 0.5f, 4.f}));
  EXPECT_EQ(applied({{PostOpKind::clip, -1.f, 1.f}}, x),
            (std::vector<float>{-1.f, -0.5f, 0.5f, 1.f}));
  const auto s = applied({{PostOpKind::sigmoid}}, x);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_FLOAT_EQ(s[i], 1.f / (1.f + std::exp(-x[i])));
  EXPECT_EQ(applied({{PostOpKind::hardswish}}, {-4.f, 0.f, 3.f, 6.f}),
            (std::vector<float>{-0.f, 0.f, 3.f, 6.f}));
  EXPECT_EQ(applied({{PostOpKind::sum, 1.f}}, x, {1.f, 1.f, 1.f, 1.f}),
            (std::vector<float>{-1.f, 0.5f, 1.5f, 5.f}));
  // In list order: sum then relu differs from relu then sum.
  EXPECT_EQ(applied({{PostOpKind::sum, 1.f}, {PostOpKind::relu}}, x, {1.f, 1.f, 1.f, 1.f}),
            (std::vector<float>{0.f, 0.5f, 1.5f, 5.f}));
  EXPECT_THROW(applied({{PostOpKind::sum, 1.f}}, x), Error);  // residual operand missing
}

TEST(PostOpNames, AsDumped) {
  EXPECT_EQ(post_op_name(PostOpKind::relu), "relu");
  EXPECT_EQ(post_op_name(PostOpKind::clip), "clip");
  EXPECT_EQ(post_op_name(PostOpKind::sigmoid), "sigmoid");
  EXPECT_EQ(post_op_name(PostOpKind::hardswish), "hardswish");
  EXPECT_EQ(post_op_name(PostOpKind::sum), "sum");
}

// A Conv whose post-ops the test sets itself, as the fusion passes would: the optimized engine
// (oneDNN post-ops) must give conv + the same operations computed by separate reference nodes.
TEST(PostOps, OneDnnConvAppliesEveryKind) {
  const std::vector<std::pair<PostOp, std::string>> cases = {
      {{PostOpKind::relu, 0.1f}, "LeakyRelu"},
      {{PostOpKind::clip, -0.2f, 0.3f}, "Clip"},
      {{PostOpKind::sigmoid}, "Sigmoid"},
      {{PostOpKind::hardswish}, "HardSwish"}};
  for (const auto& [post, op] : cases) {
    SCOPED_TRACE(op);
    GraphBuilder b(op == "Clip" ? 6 : 14);  // Clip-6 takes its bounds as attributes
    auto x = b.input("x", {1, 16, 6, 6});
    Attributes a;
    if (op == "LeakyRelu") a.set("alpha", 0.1f);
    if (op == "Clip") {
      a.set("min", -0.2f);
      a.set("max", 0.3f);
    }
    b.output(b.node(op, "act", {b.conv("conv", x, 16, 16, 3)}, a));
    // Hand-fused copy: the conv writes the activation's output with the post-op attached.
    auto fused = std::make_shared<Graph>(*b.graph());
    Node& conv = fused->nodes[0];
    conv.post_ops = {post};
    conv.outputs[0] = fused->nodes[1].outputs[0];
    fused->nodes.pop_back();
    Core core;
    CompileOptions ref_opt;
    ref_opt.engine = Engine::reference;
    const CompiledModel ref = core.compile_model(wrap_graph(b.graph()), ref_opt);
    const CompiledModel cm = core.compile_model(wrap_graph(fused), CompileOptions{});
    EXPECT_NE(cm.dump_graph().find("post=" + std::string(post_op_name(post.kind))),
              std::string::npos);
    const auto in_t = random_inputs(cm, 3);
    const auto want = run_model(ref, in_t), got = run_model(cm, in_t);
    const TensorDiff d = compare_tensors(got[0], want[0], 1e-3, 1e-4);
    EXPECT_TRUE(d.ok) << d.reason << " max_abs=" << d.max_abs;
  }
}

}  // namespace
}  // namespace inferlab::test
