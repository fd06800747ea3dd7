// Compiling drops the plain copies of weights that primitives hold reordered (BatchNorm-folded
// weights as soon as their layer is built: docs/engine.md, "Peak memory"), but only the
// compiled graph's: the caller's model keeps every weight, so it can be compiled again.
#include <gtest/gtest.h>

#include <cstring>

#include "engine_test_util.h"

namespace inferlab::test {
namespace {

TEST(WeightsRelease, ModelKeepsItsWeightsAndCompilesAgain) {
  GraphBuilder b;
  auto x = b.input("x", {1, 8, 12, 12});
  auto c = b.node("Relu", "r0", {b.batchnorm("bn0", b.conv("c0", x, 8, 16, 3), 16)});
  auto d = b.batchnorm("bn1", b.conv("c1", c, 16, 16, 3), 16);
  auto s = b.node("Relu", "r1", {b.node("Add", "add", {d, c})});
  b.output(b.node("GlobalAveragePool", "gap", {s}));
  const std::shared_ptr<const Graph> g = b.graph();
  std::map<std::string, std::vector<std::byte>> before;
  for (const auto& [name, v] : g->values())
    if (v.constant) {
      const auto* p = static_cast<const std::byte*>(v.constant->raw());
      before[name].assign(p, p + v.constant->nbytes());
    }
  ASSERT_FALSE(before.empty());
  const Model m = wrap_graph(g);
  Core core;
  const CompiledModel first = core.compile_model(m, CompileOptions{});
  for (const auto& [name, bytes] : before) {
    const Value& v = g->value(name);
    ASSERT_TRUE(v.constant.has_value()) << name << " was dropped from the caller's model";
    ASSERT_EQ(v.constant->nbytes(), bytes.size()) << name;
    EXPECT_EQ(std::memcmp(v.constant->raw(), bytes.data(), bytes.size()), 0) << name;
  }
  const CompiledModel second = core.compile_model(m, CompileOptions{});
  const auto in = random_inputs(first, 5);
  const auto a = run_model(first, in), r = run_model(second, in);
  ASSERT_EQ(a.size(), r.size());
  EXPECT_EQ(std::memcmp(a[0].raw(), r[0].raw(), a[0].nbytes()), 0);
  expect_matches_reference(g, {}, 1e-3, 1e-4);
}

}  // namespace
}  // namespace inferlab::test
