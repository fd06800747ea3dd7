// Broadcasting Div/Mul after a convolution (SSD300's L2 norm: x / ReduceL2(x) * scale): oneDNN
// 2.6 has only its reference binary kernel for a broadcast operand over nChw16c data, so the
// builder takes a plain layout with a jit kernel (kernels/onednn/binary.cpp). Checked against the
// reference engine (rtol 1e-3, atol 1e-4) and for the kernel chosen.
#include <gtest/gtest.h>

#include "engine_test_util.h"
#include "passes/shape_inference.h"

namespace inferlab::test {
namespace {

std::shared_ptr<Graph> l2norm_net(std::int64_t n) {
  GraphBuilder b;
  auto x = b.node("Relu", "relu", {b.conv("conv", b.input("x", {n, 16, 19, 19}), 16, 64, 3)});
  Attributes ra;
  ra.set("axes", std::vector<std::int64_t>{1});
  ra.set("keepdims", std::int64_t{1});
  auto norm = b.node("ReduceL2", "norm", {x}, ra);
  auto d = b.node("Div", "div", {x, norm});
  auto y = b.node("Mul", "scale", {d, b.constant("gamma", random_tensor({1, 64, 1, 1}, 3, 5, 20))});
  b.output(b.conv("head", y, 64, 32, 3));
  auto g = b.graph();
  infer_shapes_and_fold(*g);
  return g;
}

TEST(BinaryLayout, BroadcastAfterBlockedConvMatchesReference) {
  for (std::int64_t n : {1, 2}) {
    SCOPED_TRACE(fmt::format("batch {}", n));
    const auto g = l2norm_net(n);
    CompileOptions o;
    o.threads_per_stream = 1;
    expect_matches_reference(g, o, 1e-3, 1e-4);
    Core core;
    const std::string dump = core.compile_model(wrap_graph(g), o).dump_graph();
    for (const std::string node : {"div", "scale"}) {
      const auto at = dump.find("\n" + node + " ");
      ASSERT_NE(at, std::string::npos) << dump;
      const std::string line = dump.substr(at + 1, dump.find('\n', at + 1) - at - 1);
      EXPECT_EQ(line.find("[ref"), std::string::npos) << line;
      EXPECT_EQ(line.find("[reference]"), std::string::npos) << line;
    }
  }
}

// Squeeze-excitation as torchvision writes it, `scale * x` (the broadcasting operand first), and
// an Add with the broadcasting operand first: the operands swap onto oneDNN (Add and Mul
// commute); a Sub with it first keeps the reference kernel, and all match the reference engine.
TEST(BinaryLayout, BroadcastFirstOperandOfAddAndMul) {
  GraphBuilder b;
  auto x = b.node("Relu", "relu", {b.conv("conv", b.input("x", {2, 16, 14, 14}), 16, 32, 3)});
  auto pooled = b.node("GlobalAveragePool", "pool", {x});
  auto s = b.node("Sigmoid", "gate", {b.conv("fc", pooled, 32, 32, 1)});
  auto m = b.node("Mul", "se", {s, x});
  auto a = b.node("Add", "shift", {b.constant("beta", random_tensor({1, 32, 1, 1}, 4)), m});
  auto d = b.node("Sub", "neg", {b.constant("c", random_tensor({1, 32, 1, 1}, 5)), a});
  b.output(d);
  auto g = b.graph();
  infer_shapes_and_fold(*g);
  CompileOptions o;
  o.threads_per_stream = 1;
  expect_matches_reference(g, o, 1e-3, 1e-4);
  Core core;
  const std::string dump = core.compile_model(wrap_graph(g), o).dump_graph();
  auto line = [&](const std::string& node) {
    const auto at = dump.find("\n" + node + " ");
    return at == std::string::npos ? std::string()
                                   : dump.substr(at + 1, dump.find('\n', at + 1) - at - 1);
  };
  EXPECT_EQ(line("se").find("[reference]"), std::string::npos) << dump;
  EXPECT_EQ(line("shift").find("[reference]"), std::string::npos) << dump;
  EXPECT_NE(line("neg").find("[reference]"), std::string::npos) << dump;
}

}  // namespace
}  // namespace inferlab::test
