#include <gtest/gtest.h>

#include "ir/graph.h"
#include "passes/shape_inference.h"

using namespace inferlab;

namespace {
Node make_node(std::string name, std::string op, std::vector<std::string> in,
               std::vector<std::string> out) {
  Node n;
  n.name = std::move(name);
  n.op_type = std::move(op);
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  return n;
}

Graph chain() {
  Graph g;
  g.inputs = {"x"};
  g.outputs = {"z"};
  Value& x = g.add_value("x");
  x.dtype = DType::f32;
  x.shape = {kDynamic, 4};
  x.known = true;
  // Deliberately out of order: topo_sort must fix it.
  g.nodes.push_back(make_node("second", "Relu", {"y"}, {"z"}));
  g.nodes.push_back(make_node("first", "Relu", {"x"}, {"y"}));
  return g;
}
}  // namespace

TEST(Graph, TopoSortOrdersProducersFirst) {
  Graph g = chain();
  g.topo_sort();
  ASSERT_EQ(g.nodes.size(), 2u);
  EXPECT_EQ(g.nodes[0].name, "first");
  EXPECT_EQ(g.nodes[1].name, "second");
  EXPECT_EQ(g.producer("z"), 1);
  EXPECT_TRUE(g.is_graph_output("z"));
}

TEST(Graph, TopoSortRejectsCycle) {
  Graph g = chain();
  g.nodes[1].inputs = {"z"};  // first reads z, second reads y: a cycle
  try {
    g.topo_sort();
    FAIL() << "cycle not detected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
  }
}

TEST(Graph, TopoSortRejectsDanglingInput) {
  Graph g = chain();
  g.nodes[1].inputs = {"nowhere"};
  try {
    g.topo_sort();
    FAIL() << "dangling input not detected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'nowhere'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'first'"), std::string::npos) << e.what();
  }
}

TEST(ShapeInference, BatchSpecialisesDynamicInput) {
  Graph g = chain();
  g.topo_sort();
  specialize_input_shapes(g, {}, 3);
  infer_shapes_and_fold(g);
  EXPECT_EQ(g.value("z").shape, (Shape{3, 4}));
  EXPECT_EQ(g.value("z").dtype, DType::f32);
}

TEST(ShapeInference, SymbolicBatchDefaultsToOneWithANote) {
  Graph g = chain();
  const auto notes = specialize_input_shapes(g, {}, 0);
  EXPECT_EQ(g.value("x").shape, (Shape{1, 4}));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("'x'"), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find("batch 1"), std::string::npos) << notes[0];

  Graph fixed = chain();
  EXPECT_TRUE(specialize_input_shapes(fixed, {}, 2).empty());  // --batch given: no note
}

TEST(ShapeInference, OtherDynamicDimensionsStillNeedAShape) {
  Graph g = chain();
  g.value("x").shape = {kDynamic, kDynamic};
  EXPECT_THROW(specialize_input_shapes(g, {}, 0), Error);
  EXPECT_THROW(specialize_input_shapes(g, {}, 2), Error);  // dimension 1 is still dynamic
  g.value("x").shape = {1, kDynamic};
  EXPECT_THROW(specialize_input_shapes(g, {}, 0), Error);
}

TEST(ShapeInference, ShapeOverrideMustNameAnInput) {
  Graph g = chain();
  EXPECT_THROW(specialize_input_shapes(g, {{"nope", {1, 4}}}, 0), Error);
  EXPECT_THROW(specialize_input_shapes(g, {{"x", {1, 4, 5}}}, 0), Error);  // rank mismatch
  specialize_input_shapes(g, {{"x", {2, 4}}}, 0);
  EXPECT_EQ(g.value("x").shape, (Shape{2, 4}));
}

TEST(ShapeInference, FoldsConstantNodesAndListsUnsupportedOps) {
  Graph g = chain();
  Value& c = g.add_value("c");
  Tensor t(DType::f32, {2});
  t.data<float>()[0] = -1.f;
  t.data<float>()[1] = 2.f;
  c.dtype = DType::f32;
  c.shape = {2};
  c.known = true;
  c.constant = t;
  g.nodes.push_back(make_node("const_relu", "Relu", {"c"}, {"rc"}));
  g.outputs.push_back("rc");
  g.topo_sort();
  specialize_input_shapes(g, {}, 1);
  infer_shapes_and_fold(g);
  ASSERT_TRUE(g.value("rc").constant.has_value());
  EXPECT_EQ(g.value("rc").constant->data<float>()[0], 0.f);
  EXPECT_EQ(g.value("rc").constant->data<float>()[1], 2.f);
  EXPECT_EQ(g.nodes.size(), 2u);  // the constant Relu is gone

  Graph bad = chain();
  bad.nodes[0].op_type = "NoSuchOp";
  bad.nodes.push_back(make_node("other", "AlsoMissing", {"z"}, {"w"}));
  bad.outputs = {"w"};
  bad.topo_sort();
  specialize_input_shapes(bad, {}, 1);
  try {
    infer_shapes_and_fold(bad);
    FAIL() << "unsupported ops not reported";
  } catch (const Unsupported& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("NoSuchOp (first node 'second')"), std::string::npos) << msg;
    EXPECT_NE(msg.find("AlsoMissing (first node 'other')"), std::string::npos) << msg;
  }
}
