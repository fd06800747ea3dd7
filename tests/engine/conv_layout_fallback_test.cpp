// A grouped convolution oneDNN 2.6 has no jit kernel for in nChw16c (RegNetY's 8-channel groups)
// takes oneDNN's own layout instead of its reference kernel (kernels/onednn/conv.cpp): checked
// against the reference engine (rtol 1e-3, atol 1e-4) and for the kernel chosen.
#include <gtest/gtest.h>

#include "engine_test_util.h"
#include "passes/shape_inference.h"

namespace inferlab::test {
namespace {

TEST(ConvLayoutFallback, GroupedConvAvoidsReferenceKernel) {
  for (std::int64_t n : {1, 2}) {
    SCOPED_TRACE(fmt::format("batch {}", n));
    GraphBuilder b;
    auto x = b.node("Relu", "r0", {b.conv("c0", b.input("x", {n, 16, 28, 28}), 16, 48, 1)});
    auto y = b.node("Relu", "r1", {b.conv("grouped", x, 48, 48, 3, 1, 6)});  // 8 per group
    b.output(b.conv("c2", y, 48, 32, 1));
    auto g = b.graph();
    infer_shapes_and_fold(*g);
    CompileOptions o;
    o.threads_per_stream = 1;
    expect_matches_reference(g, o, 1e-3, 1e-4);
    Core core;
    const std::string dump = core.compile_model(wrap_graph(g), o).dump_graph();
    const auto at = dump.find("\ngrouped ");
    ASSERT_NE(at, std::string::npos) << dump;
    const std::string line = dump.substr(at + 1, dump.find('\n', at + 1) - at - 1);
    EXPECT_EQ(line.find("[ref"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace inferlab::test
