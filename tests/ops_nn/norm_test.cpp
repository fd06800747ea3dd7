// BatchNormalization, Softmax/LogSoftmax, ReduceMean/ReduceL2 and LpNormalization.
#include <cmath>

#include "support/op_test_util.h"

using namespace inferlab;
using namespace inferlab::test;

using V = std::vector<std::int64_t>;

namespace {

OpRun batchnorm(Attributes a, int opset, std::vector<std::string> outputs = {"y"}) {
  return run_op("BatchNormalization",
                {{f32({1, 2, 1, 2}, {1, 2, 3, 4})},
                 cst(f32({2}, {1, 2})),
                 cst(f32({2}, {0, 1})),
                 cst(f32({2}, {1, 3})),
                 cst(f32({2}, {4, 0.25f}))},
                std::move(a), opset, std::move(outputs));
}

}  // namespace

TEST(BatchNormalization, PerChannelAffine) {
  // Channel 0: (x - 1) / 2 * 1 + 0; channel 1: (x - 3) / 0.5 * 2 + 1.
  for (int opset : {7, 9, 14, 15}) {
    const auto r = batchnorm(attrs({{"epsilon", 0.f}}), opset);
    EXPECT_EQ(r.value(0).shape, (Shape{1, 2, 1, 2}));
    expect_near(r.out[0], {0, 0.5, 1, 5});
  }
}

TEST(BatchNormalization, DefaultEpsilon) {
  const auto r = batchnorm({}, 15);
  expect_near(r.out[0], {0, 1 / std::sqrt(4 + 1e-5), 1, 1 + 2 / std::sqrt(0.25 + 1e-5)}, 1e-5);
}

TEST(BatchNormalization, TrainingIsUnsupported) {
  EXPECT_THROW(batchnorm(attrs({{"training_mode", std::int64_t{1}}}), 14), Unsupported);
  EXPECT_THROW(batchnorm({}, 9, {"y", "mean", "var"}), Unsupported);
  EXPECT_THROW(batchnorm(attrs({{"spatial", std::int64_t{0}}}), 7), Unsupported);
  // spatial=1 is the only behaviour from opset 9 on.
  expect_near(batchnorm(attrs({{"spatial", std::int64_t{1}}, {"epsilon", 0.f}}), 7).out[0],
              {0, 0.5, 1, 5});
}

TEST(BatchNormalization, RejectsWrongStatisticShapes) {
  EXPECT_THROW(run_op("BatchNormalization", {{f32({1, 2}, {1, 2})},
                                             cst(f32({3}, {1, 1, 1})),
                                             cst(f32({2}, {0, 0})),
                                             cst(f32({2}, {0, 0})),
                                             cst(f32({2}, {1, 1}))}),
               Error);
}

TEST(Softmax, AlongLastAxis) {
  const Tensor x = f32({3}, {1, 2, 3});
  expect_near(run_op("Softmax", {{x}}, {}, 13).out[0], {0.0900306, 0.2447285, 0.6652410});
  expect_near(run_op("LogSoftmax", {{x}}, {}, 13).out[0], {-2.4076059, -1.4076059, -0.4076059});
}

TEST(Softmax, LargeValuesDoNotOverflow) {
  const Tensor x = f32({2}, {1000, 1001});
  expect_near(run_op("Softmax", {{x}}, {}, 13).out[0], {0.2689414, 0.7310586});
  expect_near(run_op("LogSoftmax", {{x}}, {}, 13).out[0], {-1.3132616, -0.3132616});
}

TEST(Softmax, OpsetChangesTheAxisMeaning) {
  const Tensor x = f32({1, 2, 2}, {1, 2, 3, 4});
  // Before opset 13, axis 1 flattens dims 1.. into one row of 4.
  auto r = run_op("Softmax", {{x}}, attrs({{"axis", std::int64_t{1}}}), 11);
  expect_near(r.out[0], {0.0320586, 0.0871443, 0.2368828, 0.6439143});
  // The old default axis is 1 as well.
  expect_near(run_op("Softmax", {{x}}, {}, 11).out[0],
              {0.0320586, 0.0871443, 0.2368828, 0.6439143});
  // From opset 13, only dim 1 (pairs 1,3 and 2,4).
  r = run_op("Softmax", {{x}}, attrs({{"axis", std::int64_t{1}}}), 13);
  expect_near(r.out[0], {0.1192029, 0.1192029, 0.8807971, 0.8807971});
  // The new default is the last axis (pairs 1,2 and 3,4).
  r = run_op("Softmax", {{x}}, {}, 13);
  expect_near(r.out[0], {0.2689414, 0.7310586, 0.2689414, 0.7310586});
  // Negative axes count from the end.
  r = run_op("LogSoftmax", {{x}}, attrs({{"axis", std::int64_t{-2}}}), 13);
  expect_near(r.out[0], {-2.1269280, -2.1269280, -0.1269280, -0.1269280});
  EXPECT_THROW(run_op("Softmax", {{x}}, attrs({{"axis", std::int64_t{3}}}), 13), Error);
}

TEST(ReduceMean, AxesAndKeepdims) {
  const Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto r = run_op("ReduceMean", {{x}}, attrs({{"axes", V{1}}}), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 1}));
  expect_near(r.out[0], {2, 5});
  r = run_op("ReduceMean", {{x}}, attrs({{"axes", V{0}}, {"keepdims", std::int64_t{0}}}), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{3}));
  expect_near(r.out[0], {2.5, 3.5, 4.5});
  r = run_op("ReduceMean", {{x}}, {}, 13);  // all axes by default
  EXPECT_EQ(r.value(0).shape, (Shape{1, 1}));
  expect_near(r.out[0], {3.5});
  r = run_op("ReduceMean", {{x}}, attrs({{"axes", V{-1}}, {"keepdims", std::int64_t{0}}}), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{2}));
  expect_near(r.out[0], {2, 5});
  EXPECT_THROW(run_op("ReduceMean", {{x}}, attrs({{"axes", V{2}}}), 13), Error);
}

TEST(ReduceMean, AxesAsInput) {
  // Opset 18 moved axes to an input; noop_with_empty_axes keeps the data as is.
  const Tensor x = f32({2, 2}, {1, 2, 3, 4});
  auto r = run_op("ReduceMean", {{x}, cst(i64({1}, {0}))}, {}, 18);
  EXPECT_EQ(r.value(0).shape, (Shape{1, 2}));
  expect_near(r.out[0], {2, 3});
  r = run_op("ReduceMean", {{x}, cst(i64({0}, {}))},
             attrs({{"noop_with_empty_axes", std::int64_t{1}}}), 18);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 2}));
  expect_near(r.out[0], {1, 2, 3, 4});
  EXPECT_THROW(run_op("ReduceMean", {{x}, {i64({1}, {0})}}, {}, 18), Unsupported);
}

TEST(ReduceL2, AxesAndKeepdims) {
  const Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  auto r = run_op("ReduceL2", {{x}}, attrs({{"axes", V{1}}}), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 1}));
  expect_near(r.out[0], {std::sqrt(14.0), std::sqrt(77.0)});
  r = run_op("ReduceL2", {{f32({2}, {3, -4})}}, attrs({{"keepdims", std::int64_t{0}}}), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{}));
  expect_near(r.out[0], {5});
}

TEST(ReduceMean, MiddleAxisOf3D) {
  const Tensor x = f32({2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  const auto r =
      run_op("ReduceMean", {{x}}, attrs({{"axes", V{1}}, {"keepdims", std::int64_t{0}}}), 13);
  EXPECT_EQ(r.value(0).shape, (Shape{2, 2}));
  expect_near(r.out[0], {2, 3, 6, 7});
}

TEST(LpNormalization, P1AndP2) {
  const Tensor x = f32({2, 2}, {3, 4, 1, -1});
  auto r = run_op("LpNormalization", {{x}}, {}, 13);  // p 2, axis -1 by default
  expect_near(r.out[0], {0.6, 0.8, 0.7071068, -0.7071068});
  r = run_op("LpNormalization", {{x}}, attrs({{"p", std::int64_t{1}}}), 13);
  expect_near(r.out[0], {3.0 / 7, 4.0 / 7, 0.5, -0.5});
  r = run_op("LpNormalization", {{x}}, attrs({{"axis", std::int64_t{0}}}), 13);
  expect_near(r.out[0], {0.9486833, 0.9701425, 0.3162278, -0.2425356});
  // A zero vector stays zero instead of becoming NaN.
  expect_near(run_op("LpNormalization", {{f32({2}, {0, 0})}}).out[0], {0, 0});
  EXPECT_THROW(run_op("LpNormalization", {{x}}, attrs({{"p", std::int64_t{3}}})), Error);
}
