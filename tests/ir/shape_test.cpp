#include <gtest/gtest.h>

#include "ir/shape.h"
#include "ir/tensor.h"

using namespace inferlab;

TEST(Shape, NumelRejectsNegativeAndHuge) {
  EXPECT_EQ(shape_numel({2, 3, 4}), 24);
  EXPECT_THROW(shape_numel({2, -1}), Error);
  EXPECT_THROW(shape_numel({1 << 21, 1 << 20}), Error);  // 2^41 elements
  EXPECT_THROW(shape_numel({INT64_MAX, 2}), Error);
}

TEST(Shape, ParseAndPrint) {
  EXPECT_EQ(parse_shape("1x3x224x224"), (Shape{1, 3, 224, 224}));
  EXPECT_EQ(shape_str({1, 3}), "1x3");
  EXPECT_THROW(parse_shape("1x-3"), Error);
  EXPECT_THROW(parse_shape("axb"), Error);
  EXPECT_THROW(parse_shape(""), Error);
}

TEST(Shape, Broadcast) {
  EXPECT_EQ(broadcast_shapes({2, 1, 4}, {3, 1}, "t"), (Shape{2, 3, 4}));
  EXPECT_THROW(broadcast_shapes({2, 3}, {4}, "t"), Error);
}

TEST(Tensor, CastAndTypeCheck) {
  Tensor t(DType::f32, {3});
  t.data<float>()[0] = 1.5f;
  t.data<float>()[1] = -300.f;
  t.data<float>()[2] = 3e9f;
  Tensor i8 = t.cast(DType::i8);
  EXPECT_EQ(i8.data<std::int8_t>()[0], 1);
  EXPECT_EQ(i8.data<std::int8_t>()[1], -128);
  EXPECT_EQ(i8.data<std::int8_t>()[2], 127);
  EXPECT_THROW(t.data<std::int32_t>(), Error);
}

TEST(DType, HalfRoundTrip) {
  for (float f : {0.f, 1.f, -2.5f, 65504.f, 6.1035156e-05f, 5.96e-08f}) {
    EXPECT_FLOAT_EQ(f16_to_f32(f32_to_f16(f)), f16_to_f32(f32_to_f16(f16_to_f32(f32_to_f16(f)))));
  }
  EXPECT_EQ(f16_to_f32(f32_to_f16(1.f)), 1.f);
  EXPECT_EQ(bf16_to_f32(f32_to_bf16(1.f)), 1.f);
  EXPECT_EQ(f16_to_f32(f32_to_f16(-2.5f)), -2.5f);
}
