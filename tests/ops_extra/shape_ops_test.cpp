// ConstantOfShape, Expand, Tile, Range, and the folding of a PyTorch-style sub-graph that uses
// them (torch.arange(x.size(1)).expand(...) style).
#include "passes/shape_inference.h"
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

TEST(ConstantOfShape, DefaultsToFloatZero) {
  const auto r = run_op("ConstantOfShape", {cst(i64({2}, {2, 3}))});
  EXPECT_EQ(r.value(0).dtype, DType::f32);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3}));
  expect_near(r.out[0], {0, 0, 0, 0, 0, 0});
}

TEST(ConstantOfShape, ValueAttributeGivesTypeAndFill) {
  auto r = run_op("ConstantOfShape", {cst(i64({1}, {3}))}, attrs({{"value", i64({1}, {7})}}));
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  EXPECT_EQ(ints(r.out[0]), (V{7, 7, 7}));
  r = run_op("ConstantOfShape", {cst(i64({2}, {1, 2}))}, attrs({{"value", f32({1}, {1.5f})}}));
  expect_near(r.out[0], {1.5, 1.5});
  r = run_op("ConstantOfShape", {cst(i64({2}, {4, 0}))}, attrs({{"value", i32({1}, {1})}}));
  EXPECT_EQ(r.value(0).shape, (Shape{4, 0}));
  EXPECT_EQ(r.out[0].numel(), 0);
  r = run_op("ConstantOfShape", {cst(i64({0}, {}))});  // empty shape: a scalar
  EXPECT_EQ(r.value(0).shape, (Shape{}));
}

TEST(ConstantOfShape, RejectsBadInputs) {
  EXPECT_THROW(run_op("ConstantOfShape", {{i64({1}, {3})}}), Unsupported);  // not constant
  EXPECT_THROW(run_op("ConstantOfShape", {cst(i64({1}, {-1}))}), Error);
  EXPECT_THROW(
      run_op("ConstantOfShape", {cst(i64({1}, {2}))}, attrs({{"value", f32({2}, {1, 2})}})), Error);
}

TEST(Expand, BroadcastsBothWays) {
  // [3,1] expanded by [2,1,4]: the result has rank 3 and takes 4 from the target.
  const auto r = run_op("Expand", {{i64({3, 1}, {1, 2, 3})}, cst(i64({3}, {2, 1, 4}))});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3, 4}));
  EXPECT_EQ(ints(r.out[0]), (V{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,  //
                               1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}));
  // A target dimension of 1 keeps the input's larger dimension.
  const auto k = run_op("Expand", {{f32({2, 2}, {1, 2, 3, 4})}, cst(i64({2}, {1, 2}))});
  EXPECT_EQ(k.value(0).shape, (Shape{2, 2}));
  expect_near(k.out[0], {1, 2, 3, 4});
}

TEST(Expand, RejectsIncompatibleOrRuntimeShape) {
  EXPECT_THROW(run_op("Expand", {{f32({3}, {1, 2, 3})}, cst(i64({1}, {2}))}), Error);
  EXPECT_THROW(run_op("Expand", {{f32({1}, {1})}, {i64({1}, {2})}}), Unsupported);
}

TEST(Tile, RepeatsEachAxis) {
  const auto r = run_op("Tile", {{i32({2, 2}, {1, 2, 3, 4})}, cst(i64({2}, {2, 3}))});
  EXPECT_EQ(r.value(0).shape, (Shape{4, 6}));
  EXPECT_EQ(ints(r.out[0]), (V{1, 2, 1, 2, 1, 2,  //
                               3, 4, 3, 4, 3, 4,  //
                               1, 2, 1, 2, 1, 2,  //
                               3, 4, 3, 4, 3, 4}));
  const auto z = run_op("Tile", {{f32({2}, {1, 2})}, cst(i64({1}, {0}))});
  EXPECT_EQ(z.value(0).shape, (Shape{0}));
  EXPECT_THROW(run_op("Tile", {{f32({2}, {1, 2})}, cst(i64({2}, {1, 1}))}), Error);
}

TEST(Range, IntegerAndFloat) {
  auto r = run_op("Range", {cst(i64({}, {1})), cst(i64({}, {10})), cst(i64({}, {3}))});
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  EXPECT_EQ(ints(r.out[0]), (V{1, 4, 7}));
  r = run_op("Range", {cst(i32({}, {10})), cst(i32({}, {4})), cst(i32({}, {-3}))});
  EXPECT_EQ(ints(r.out[0]), (V{10, 7}));
  r = run_op("Range", {cst(f32({}, {0.5f})), cst(f32({}, {2})), cst(f32({}, {0.5f}))});
  expect_near(r.out[0], {0.5, 1.0, 1.5});
  r = run_op("Range", {cst(i64({}, {5})), cst(i64({}, {1})), cst(i64({}, {2}))});
  EXPECT_EQ(r.value(0).shape, (Shape{0}));  // wrong direction: empty
}

TEST(Range, RejectsZeroDeltaAndRuntimeInputs) {
  EXPECT_THROW(run_op("Range", {cst(i64({}, {0})), cst(i64({}, {3})), cst(i64({}, {0}))}), Error);
  EXPECT_THROW(run_op("Range", {{i64({}, {0})}, cst(i64({}, {3})), cst(i64({}, {1}))}),
               Unsupported);
  EXPECT_THROW(run_op("Range", {cst(i64({}, {0})), cst(i32({}, {3})), cst(i64({}, {1}))}), Error);
}

// x [2,5]: mask = Less(Range(0, Gather(Shape(x), 1), 1), 3) expanded to x's shape, then
// Where(mask, x, 0). Everything but the Where must fold away at compile time.
TEST(Folding, RangeExpandMaskSubgraph) {
  Graph g;
  g.opset = 13;
  g.inputs = {"x"};
  g.outputs = {"y"};
  Value& x = g.add_value("x");
  x.dtype = DType::f32;
  x.shape = {2, 5};
  x.known = true;
  auto add_const = [&](const std::string& name, Tensor t) {
    Value& v = g.add_value(name);
    v.dtype = t.dtype();
    v.shape = t.shape();
    v.known = true;
    v.constant = t;
  };
  add_const("zero", i64({}, {0}));
  add_const("one", i64({}, {1}));
  add_const("three", i64({}, {3}));
  add_const("fzero", f32({}, {0}));
  auto node = [&](std::string op, std::vector<std::string> in, std::string out, Attributes a = {}) {
    Node n;
    n.name = fmt::format("{}_{}", op, out);
    n.op_type = std::move(op);
    n.opset = 13;
    n.inputs = std::move(in);
    n.outputs = {std::move(out)};
    n.attrs = std::move(a);
    g.nodes.push_back(std::move(n));
  };
  node("Shape", {"x"}, "s");
  node("Gather", {"s", "one"}, "len", attrs({{"axis", std::int64_t{0}}}));
  node("Range", {"zero", "len", "one"}, "pos");
  node("Less", {"pos", "three"}, "keep");
  node("Expand", {"keep", "s"}, "mask");
  node("Where", {"mask", "x", "fzero"}, "y");
  infer_shapes_and_fold(g);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op_type, "Where");
  ASSERT_TRUE(g.value("mask").constant.has_value());
  EXPECT_EQ(ints(*g.value("mask").constant), (V{1, 1, 1, 0, 0, 1, 1, 1, 0, 0}));
  EXPECT_EQ(g.value("y").shape, (Shape{2, 5}));
}
