// The public types: typed options validated once at compile, and the read-only Model view.
#include <gtest/gtest.h>

#include "engine_test_util.h"

namespace inferlab::test {
namespace {

// x[?x4] -> Relu -> y: no convolution, so nothing but the compile-time check sees conv_algo.
std::shared_ptr<Graph> relu_net(Shape in = {kDynamic, 4}) {
  GraphBuilder b;
  const auto x = b.input("x", std::move(in));
  b.output(b.node("Relu", "relu", {x}));
  return b.graph();
}

std::string compile_error(const Model& m, const CompileOptions& o) {
  try {
    Core().compile_model(m, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Options, NamesRoundTrip) {
  for (Engine e : {Engine::optimized, Engine::reference})
    EXPECT_EQ(parse_engine(engine_name(e)), e);
  for (ConvAlgo a : {ConvAlgo::automatic, ConvAlgo::direct, ConvAlgo::winograd})
    EXPECT_EQ(parse_conv_algo(conv_algo_name(a)), a);
  EXPECT_STREQ(conv_algo_name(ConvAlgo::automatic), "auto");
}

TEST(Options, UnknownNamesListTheChoices) {
  try {
    parse_conv_algo("fastest");
    FAIL() << "parse_conv_algo accepted 'fastest'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("auto, direct or winograd"), std::string::npos);
  }
  EXPECT_THROW(parse_engine("onednn"), Error);
  EXPECT_THROW(parse_precision("f64"), Error);
}

TEST(Options, InvalidEnumFailsAtCompileEvenWithoutConvolutions) {
  const Model m = wrap_graph(relu_net({1, 4}));
  CompileOptions o;
  o.conv_algo = static_cast<ConvAlgo>(7);
  EXPECT_NE(compile_error(m, o).find("conv_algo"), std::string::npos);
  o = {};
  o.engine = static_cast<Engine>(9);
  EXPECT_NE(compile_error(m, o).find("engine"), std::string::npos);
  o = {};
  EXPECT_EQ(compile_error(m, o), "");
}

TEST(Options, ReferenceEngineRejectsLowerPrecision) {
  CompileOptions o;
  o.engine = Engine::reference;
  o.precision = Precision::bf16;
  EXPECT_NE(compile_error(wrap_graph(relu_net({1, 4})), o).find("reference engine runs f32"),
            std::string::npos);
}

TEST(ModelView, InputsAndOutputs) {
  const Model m = wrap_graph(relu_net());
  ASSERT_EQ(m.inputs().size(), 1u);
  EXPECT_EQ(m.inputs()[0].name, "x");
  EXPECT_EQ(m.inputs()[0].dtype, DType::f32);
  EXPECT_EQ(m.inputs()[0].shape, (Shape{kDynamic, 4}));
  ASSERT_EQ(m.outputs().size(), 1u);
  EXPECT_EQ(m.outputs()[0].name, "relu_out");
}

TEST(ModelView, ReshapeAffectsOnlyThisCopyAndTheCompile) {
  const Model original = wrap_graph(relu_net());
  Model m = original;
  m.reshape({{"x", {3, 4}}});
  EXPECT_EQ(m.inputs()[0].shape, (Shape{3, 4}));
  EXPECT_EQ(original.inputs()[0].shape, (Shape{kDynamic, 4}));
  const CompiledModel cm = Core().compile_model(m);
  EXPECT_EQ(cm.outputs()[0].shape, (Shape{3, 4}));
}

TEST(ModelView, ReshapeRejectsBadRequests) {
  Model m = wrap_graph(relu_net());
  EXPECT_THROW(m.reshape({{"y", {1, 4}}}), Error);     // no such input
  EXPECT_THROW(m.reshape({{"x", {1, 4, 1}}}), Error);  // rank
  EXPECT_THROW(m.reshape({{"x", {1, 5}}}), Error);     // fixed dimension
  EXPECT_EQ(m.inputs()[0].shape, (Shape{kDynamic, 4}));
}

TEST(ModelView, EmptyModelThrows) {
  const Model m;
  EXPECT_FALSE(m);
  EXPECT_THROW(m.inputs(), Error);
  EXPECT_NE(compile_error(m, {}).find("empty"), std::string::npos);
}

}  // namespace
}  // namespace inferlab::test
