// Strided spatial convolutions run in nhwc (kernels/onednn/conv.cpp, docs/engine.md "Strided
// convolutions in nhwc"): a ResNet-like stem and stride-2 3x3 layer against the reference engine
// (rtol 1e-3, atol 1e-4), with the reorders back into the blocked layout of their neighbours.
#include <gtest/gtest.h>

#include "engine_test_util.h"
#include "passes/shape_inference.h"

namespace inferlab::test {
namespace {

// 7x7 s2 stem (3 -> 64) + ReLU, 3x3 max pool s2, 1x1 (64 -> 64), 3x3 s2 (64 -> 128) + ReLU,
// 1x1 (128 -> 256), and a narrow 3x3 s2 (64 -> 32) that stays blocked.
std::shared_ptr<Graph> strided_net(std::int64_t n) {
  GraphBuilder b;
  auto x = b.input("x", {n, 3, 64, 64});
  auto s = b.node("Relu", "stem_relu", {b.conv("stem", x, 3, 64, 7, 2)});
  Attributes pa;
  pa.set("kernel_shape", std::vector<std::int64_t>{3, 3});
  pa.set("strides", std::vector<std::int64_t>{2, 2});
  pa.set("pads", std::vector<std::int64_t>{1, 1, 1, 1});
  auto p = b.node("MaxPool", "pool", {s}, pa);
  auto c1 = b.node("Relu", "c1_relu", {b.conv("c1", p, 64, 64, 1)});
  auto c2 = b.node("Relu", "c2_relu", {b.conv("c2", c1, 64, 128, 3, 2)});
  b.output(b.conv("c3", c2, 128, 256, 1));
  b.output(b.conv("narrow", c1, 64, 32, 3, 2));
  auto g = b.graph();
  infer_shapes_and_fold(*g);
  return g;
}

TEST(StridedLayout, MatchesReferenceInNhwc) {
  for (std::int64_t n : {1, 3}) {
    SCOPED_TRACE(fmt::format("batch {}", n));
    const auto g = strided_net(n);
    CompileOptions o;
    o.threads_per_stream = 1;
    expect_matches_reference(g, o, 1e-3, 1e-4);
    Core core;
    const std::string dump = core.compile_model(wrap_graph(g), o).dump_graph();
    if (!avx512()) GTEST_SKIP() << "layout rule measured on AVX-512 only:\n" << dump;
    auto line = [&](const std::string& node) {
      const auto at = dump.find("\n" + node + " ");
      return at == std::string::npos ? std::string()
                                     : dump.substr(at + 1, dump.find('\n', at + 1) - at - 1);
    };
    EXPECT_NE(line("stem").find("layout=nhwc"), std::string::npos) << dump;
    EXPECT_NE(line("c2").find("layout=nhwc"), std::string::npos) << dump;
    EXPECT_NE(line("c1").find("layout=nChw16c"), std::string::npos) << dump;
    EXPECT_NE(line("c3").find("layout=nChw16c"), std::string::npos) << dump;
    EXPECT_EQ(line("narrow").find("layout=nhwc"), std::string::npos) << dump;
  }
}

}  // namespace
}  // namespace inferlab::test
