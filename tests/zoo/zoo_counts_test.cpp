// The zoo's architectures against torchvision's published figures: parameter counts (sum of
// p.numel() over parameters) and conv + linear MACs at batch 1. The targets were checked with
// torchvision 0.14 (see docs/zoo.md); an architecture slip changes them.
#include "analysis/model_stats.h"
#include "zoo_test_util.h"

namespace inferlab::zoo {
namespace {

using test::zoo_graph;

TEST(ZooCounts, ResNet50MatchesTorchvision) {
  const ModelStats s = compute_model_stats(*zoo_graph("resnet50"), 0);
  EXPECT_EQ(s.params, 25'557'032);
  EXPECT_EQ(s.macs, 4'089'184'256);
  EXPECT_EQ(s.macs_by_op.at("Gemm"), 2048 * 1000);
  EXPECT_EQ(s.param_bytes, s.params * 4);
}

TEST(ZooCounts, Ssd300MatchesTorchvision) {
  const ModelStats s = compute_model_stats(*zoo_graph("ssd300"), 0);
  EXPECT_EQ(s.params, 26'285'486);  // backbone 22,943,936 + heads 3,341,550
  EXPECT_EQ(s.macs, 31'373'537'792);
  EXPECT_EQ(s.macs_by_op.size(), 1u);  // convolutions only
}

TEST(ZooCounts, MobileNetV2MatchesTorchvision) {
  const ModelStats s = compute_model_stats(*zoo_graph("mobilenet_v2"), 0);
  EXPECT_EQ(s.params, 3'504'872);
  EXPECT_EQ(s.macs, 300'774'272);
}

TEST(ZooCounts, MacsScaleWithBatchAndParametersDoNot) {
  const ModelStats one = compute_model_stats(*zoo_graph("mobilenet_v2"), 1);
  const ModelStats three = compute_model_stats(*zoo_graph("mobilenet_v2"), 3);
  EXPECT_EQ(three.macs, 3 * one.macs);
  EXPECT_EQ(three.params, one.params);
  // A model written at batch 3 counts the same as the batch-1 model specialised to 3.
  auto g3 = import_model(build_model("mobilenet_v2", {.batch = 3}));
  EXPECT_EQ(g3->value("input").shape, (Shape{3, 3, 224, 224}));
  EXPECT_EQ(compute_model_stats(*g3, 0).macs, three.macs);
}

// Declared output shapes are what shape inference computes, and SSD has 8732 priors.
TEST(ZooCounts, Ssd300OutputShapes) {
  for (std::int64_t batch : {1, 2}) {
    Graph g = *import_model(build_model("ssd300", {.batch = batch}));
    ASSERT_EQ(g.outputs, (std::vector<std::string>{"boxes", "scores"}));
    const Shape declared_boxes = g.value("boxes").shape;
    const Shape declared_scores = g.value("scores").shape;
    EXPECT_EQ(declared_boxes, (Shape{batch, 8732, 4}));
    EXPECT_EQ(declared_scores, (Shape{batch, 8732, 21}));
    const ModelStats s = compute_model_stats(g, 0);  // infers shapes on a copy
    std::map<std::string, std::int64_t> out_bytes;
    for (const auto& n : s.nodes) out_bytes[n.name] = n.output_bytes;
    EXPECT_EQ(out_bytes.at("head.boxes"), batch * 8732 * 4 * 4);
    EXPECT_EQ(out_bytes.at("head.scores"), batch * 8732 * 21 * 4);
  }
}

TEST(ZooCounts, ClassifierOutputShapes) {
  for (const char* name : {"resnet50", "mobilenet_v2"}) {
    const Graph& g = *zoo_graph(name);
    ASSERT_EQ(g.outputs, std::vector<std::string>{"logits"}) << name;
    EXPECT_EQ(g.value("logits").shape, (Shape{1, 1000})) << name;
    const ModelStats s = compute_model_stats(g, 0);
    EXPECT_EQ(s.nodes.back().op_type, "Gemm") << name;
    EXPECT_EQ(s.nodes.back().output_bytes, 1000 * 4) << name;
  }
}

}  // namespace
}  // namespace inferlab::zoo
