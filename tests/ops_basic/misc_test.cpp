// Identity, Dropout, Constant, Shape, Cast, and the folding of a PyTorch-style shape sub-graph.
#include "passes/shape_inference.h"
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

TEST(Identity, CopiesAnyType) {
  const auto r = run_op("Identity", {{i64({2}, {5, -6})}});
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  EXPECT_EQ(ints(r.out[0]), (V{5, -6}));
}

TEST(Dropout, InferenceIsIdentityWithBoolMask) {
  const auto r =
      run_op("Dropout", {{f32({3}, {1, -2, 3})}, cst(f32({}, {0.5f}))}, {}, 13, {"y", "mask"});
  expect_near(r.out[0], {1, -2, 3});
  EXPECT_EQ(r.value(1).dtype, DType::boolean);
  EXPECT_EQ(values(r.out[1]), (std::vector<double>{1, 1, 1}));
}

TEST(Dropout, MaskHasInputTypeBeforeOpset10) {
  const auto r =
      run_op("Dropout", {{f32({2}, {4, 5})}}, attrs({{"ratio", 0.2f}}), 7, {"y", "mask"});
  expect_near(r.out[0], {4, 5});
  EXPECT_EQ(r.value(1).dtype, DType::f32);
  expect_near(r.out[1], {1, 1});
}

TEST(Dropout, TrainingModeIsUnsupported) {
  Tensor yes(DType::boolean, {});
  yes.data<bool>()[0] = true;
  EXPECT_THROW(run_op("Dropout", {{f32({1}, {1})}, absent(), cst(yes)}, {}, 13), Unsupported);
  Tensor no(DType::boolean, {});
  expect_near(run_op("Dropout", {{f32({1}, {7})}, absent(), cst(no)}, {}, 13).out[0], {7});
}

TEST(Constant, ValueVariants) {
  auto r = run_op("Constant", {}, attrs({{"value", i64({2}, {3, 4})}}));
  EXPECT_EQ(ints(r.out[0]), (V{3, 4}));
  ASSERT_TRUE(r.value(0).constant.has_value());  // folded at inference
  EXPECT_EQ(ints(*r.value(0).constant), (V{3, 4}));
  r = run_op("Constant", {}, attrs({{"value_float", 2.5f}}));
  EXPECT_EQ(r.value(0).shape, (Shape{}));
  expect_near(r.out[0], {2.5});
  r = run_op("Constant", {}, attrs({{"value_floats", std::vector<float>{1, 2}}}));
  EXPECT_EQ(r.value(0).shape, (Shape{2}));
  r = run_op("Constant", {}, attrs({{"value_int", std::int64_t{-3}}}));
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  EXPECT_EQ(ints(r.out[0]), (V{-3}));
  r = run_op("Constant", {}, attrs({{"value_ints", V{1, 2, 3}}}));
  EXPECT_EQ(ints(r.out[0]), (V{1, 2, 3}));
  EXPECT_THROW(run_op("Constant", {}, attrs({{"value_string", std::string("a")}})), Unsupported);
  EXPECT_THROW(run_op("Constant", {}, {}), Error);
}

TEST(Shape, IsConstantAfterInference) {
  const Tensor x(DType::f32, {2, 3, 5});
  const auto r = run_op("Shape", {{x}});
  EXPECT_EQ(r.value(0).dtype, DType::i64);
  ASSERT_TRUE(r.value(0).constant.has_value());
  EXPECT_EQ(ints(*r.value(0).constant), (V{2, 3, 5}));
  EXPECT_EQ(ints(r.out[0]), (V{2, 3, 5}));  // the kernel agrees
}

TEST(Shape, StartEndFromOpset15) {
  const Tensor x(DType::u8, {2, 3, 5, 7});
  auto shape = [&](Attributes a) { return ints(*run_op("Shape", {{x}}, a, 15).value(0).constant); };
  EXPECT_EQ(shape(attrs({{"start", std::int64_t{1}}})), (V{3, 5, 7}));
  EXPECT_EQ(shape(attrs({{"end", std::int64_t{-1}}})), (V{2, 3, 5}));
  EXPECT_EQ(shape(attrs({{"start", std::int64_t{-10}}, {"end", std::int64_t{2}}})), (V{2, 3}));
  EXPECT_EQ(shape(attrs({{"start", std::int64_t{3}}, {"end", std::int64_t{1}}})), (V{}));
  EXPECT_EQ(ints(run_op("Shape", {{x}}, attrs({{"start", std::int64_t{2}}}), 15).out[0]),
            (V{5, 7}));
}

namespace {
std::int64_t onnx_type(DType t) {
  switch (t) {
    case DType::f32:
      return 1;
    case DType::u8:
      return 2;
    case DType::i8:
      return 3;
    case DType::i32:
      return 6;
    case DType::i64:
      return 7;
    case DType::boolean:
      return 9;
    case DType::f16:
      return 10;
    case DType::bf16:
      return 16;
    default:
      return 0;
  }
}
Tensor cast(const Tensor& x, DType to) {
  const auto r = run_op("Cast", {{x}}, attrs({{"to", onnx_type(to)}}));
  EXPECT_EQ(r.value(0).dtype, to);
  return r.out[0];
}
}  // namespace

TEST(Cast, BetweenSupportedTypes) {
  const Tensor x = f32({4}, {-2.7f, 0, 1.5f, 300});
  EXPECT_EQ(ints(cast(x, DType::i32)), (V{-2, 0, 1, 300}));  // truncation
  EXPECT_EQ(ints(cast(x, DType::i64)), (V{-2, 0, 1, 300}));
  EXPECT_EQ(ints(cast(x, DType::boolean)), (V{1, 0, 1, 1}));
  expect_near(cast(cast(x, DType::f16), DType::f32), {-2.69921875, 0, 1.5, 300});
  expect_near(cast(cast(x, DType::bf16), DType::f32), {-2.703125, 0, 1.5, 300});
  expect_near(cast(i64({2}, {-5, 1LL << 40}), DType::f32), {-5, 1099511627776.0});
  EXPECT_EQ(ints(cast(i64({2}, {3, 4}), DType::i64)), (V{3, 4}));
}

TEST(Cast, UnsupportedTargets) {
  for (std::int64_t to : {4, 5, 8, 11, 12, 13})  // uint16, int16, string, double, uint32/64
    EXPECT_THROW(run_op("Cast", {{f32({1}, {1})}}, attrs({{"to", to}})), Unsupported) << to;
}

// x [N,3,4] -> y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): what PyTorch's
// x.view(x.size(0), -1) exports. Inference must fold the whole shape computation.
TEST(Folding, PyTorchShapeSubgraph) {
  Graph g;
  g.opset = 13;
  g.inputs = {"x"};
  g.outputs = {"y"};
  Value& x = g.add_value("x");
  x.dtype = DType::f32;
  x.shape = {5, 3, 4};
  x.known = true;
  auto add_const = [&](const std::string& name, Tensor t) {
    Value& v = g.add_value(name);
    v.dtype = t.dtype();
    v.shape = t.shape();
    v.known = true;
    v.constant = t;
  };
  add_const("zero", i64({}, {0}));
  add_const("axes0", i64({1}, {0}));
  add_const("minus1", i64({1}, {-1}));
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
  node("Gather", {"s", "zero"}, "n", attrs({{"axis", std::int64_t{0}}}));
  node("Unsqueeze", {"n", "axes0"}, "n1");
  node("Concat", {"n1", "minus1"}, "target", attrs({{"axis", std::int64_t{0}}}));
  node("Reshape", {"x", "target"}, "y");
  infer_shapes_and_fold(g);
  ASSERT_EQ(g.nodes.size(), 1u);
  EXPECT_EQ(g.nodes[0].op_type, "Reshape");
  EXPECT_EQ(ints(*g.value("target").constant), (V{5, -1}));
  EXPECT_EQ(g.value("y").shape, (Shape{5, 12}));
}
