// Gemm (alpha, beta, transposes, C broadcasting) and MatMul (batched broadcasting, 1-D operands).
#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

namespace {

// A = [[1,2,3],[4,5,6]], B = [[1,0],[0,1],[1,1]], A B = [[4,5],[10,11]].
const std::vector<float> kA = {1, 2, 3, 4, 5, 6}, kAt = {1, 4, 2, 5, 3, 6};
const std::vector<float> kB = {1, 0, 0, 1, 1, 1}, kBt = {1, 0, 1, 0, 1, 1};

}  // namespace

TEST(Gemm, PlainProduct) {
  const auto r = run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({3, 2}, kB))});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 2}));
  expect_near(r.out[0], {4, 5, 10, 11});
}

TEST(Gemm, Transposes) {
  auto r = run_op("Gemm", {{f32({3, 2}, kAt)}, cst(f32({3, 2}, kB))},
                  attrs({{"transA", std::int64_t{1}}}));
  expect_near(r.out[0], {4, 5, 10, 11});
  r = run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({2, 3}, kBt))},
             attrs({{"transB", std::int64_t{1}}}));
  expect_near(r.out[0], {4, 5, 10, 11});
  r = run_op("Gemm", {{f32({3, 2}, kAt)}, cst(f32({2, 3}, kBt))},
             attrs({{"transA", std::int64_t{1}}, {"transB", std::int64_t{1}}}));
  expect_near(r.out[0], {4, 5, 10, 11});
}

TEST(Gemm, AlphaBetaAndBroadcastC) {
  const Attributes ab = attrs({{"alpha", 2.f}, {"beta", 0.5f}});
  // Row vector C: added to every row.
  auto r = run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({3, 2}, kB)), cst(f32({2}, {1, 2}))}, ab);
  expect_near(r.out[0], {8.5, 11, 20.5, 23});
  // Column C: added to every column.
  r = run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({3, 2}, kB)), cst(f32({2, 1}, {1, 2}))}, ab);
  expect_near(r.out[0], {8.5, 10.5, 21, 23});
  // Scalar C and a full matrix C.
  r = run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({3, 2}, kB)), cst(f32({}, {4}))}, ab);
  expect_near(r.out[0], {10, 12, 22, 24});
  r = run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({3, 2}, kB)), cst(f32({2, 2}, {1, 2, 3, 4}))}, ab);
  expect_near(r.out[0], {8.5, 11, 21.5, 24});
}

TEST(Gemm, RejectsBadShapes) {
  EXPECT_THROW(run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({2, 3}, kB))}), Error);
  EXPECT_THROW(run_op("Gemm", {{f32({2, 3}, kA)}, cst(f32({3, 2}, kB)), cst(f32({3}, {1, 2, 3}))}),
               Error);
  EXPECT_THROW(run_op("Gemm", {{f32({6}, kA)}, cst(f32({3, 2}, kB))}), Error);
}

TEST(MatMul, TwoD) {
  const auto r = run_op("MatMul", {{f32({2, 2}, {1, 2, 3, 4})}, {f32({2, 2}, {5, 6, 7, 8})}});
  expect_near(r.out[0], {19, 22, 43, 50});
}

TEST(MatMul, OneDOperandsAreSqueezedBack) {
  const Tensor m = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto r = run_op("MatMul", {{f32({2}, {1, 2})}, {m}});
  EXPECT_EQ(r.value(0).shape, (Shape{3}));
  expect_near(r.out[0], {9, 12, 15});
  r = run_op("MatMul", {{m}, {f32({3}, {1, 1, 1})}});
  EXPECT_EQ(r.value(0).shape, (Shape{2}));
  expect_near(r.out[0], {6, 15});
  r = run_op("MatMul", {{f32({3}, {1, 2, 3})}, {f32({3}, {4, 5, 6})}});
  EXPECT_EQ(r.value(0).shape, (Shape{}));
  expect_near(r.out[0], {32});
  // 1-D against a batch of matrices.
  r = run_op("MatMul", {{f32({2}, {1, 1})}, {f32({2, 2, 1}, {1, 2, 3, 4})}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 1}));
  expect_near(r.out[0], {3, 7});
}

TEST(MatMul, BatchBroadcasting) {
  // A: 2x1 batch of 1x2 rows [1,2], [3,4]; B: batch of 3 columns [k,1]. Out 2x3x1x1.
  const Tensor a = f32({2, 1, 1, 2}, {1, 2, 3, 4});
  const Tensor b = f32({3, 2, 1}, {1, 1, 2, 1, 3, 1});
  const auto r = run_op("MatMul", {{a}, {b}});
  EXPECT_EQ(r.value(0).shape, (Shape{2, 3, 1, 1}));
  expect_near(r.out[0], {3, 4, 5, 7, 10, 13});
}

TEST(MatMul, RejectsBadShapes) {
  EXPECT_THROW(run_op("MatMul", {{f32({2, 3}, kA)}, {f32({2, 3}, kB)}}), Error);
  EXPECT_THROW(
      run_op("MatMul", {{f32({2, 1, 2}, {1, 2, 3, 4})}, {f32({3, 2, 1}, {1, 2, 3, 4, 5, 6})}}),
      Error);
  EXPECT_THROW(run_op("MatMul", {{f32({}, {1})}, {f32({1}, {1})}}), Error);
}
