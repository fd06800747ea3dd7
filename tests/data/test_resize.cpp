// Resampling against hand-computed PIL values, and preprocessing (geometry, normalisation,
// layout, config files).
#include <gtest/gtest.h>

#include "data/preprocess.h"
#include "data/resize.h"
#include "ir/error.h"
#include "test_util.h"

namespace inferlab::data {
namespace {

Image row(std::vector<std::uint8_t> v) {
  Image img(static_cast<int>(v.size()), 1, 1);
  img.pixels = std::move(v);
  return img;
}

TEST(DataResize, BilinearDownscaleWidensTheFilterLikePil) {
  // 4 -> 2: scale 2, support 2. Output 0: centre 1, source pixels 0..2 with triangle weights
  // .75, .75, .25 (sum 1.75): (0*.75 + 100*.75 + 200*.25) / 1.75 = 71.4 -> 71. Output 1: centre
  // 3, pixels 1..3 with .25, .75, .75: (25 + 150 + 191.25) / 1.75 = 209.3 -> 209.
  const Image out = resize_bilinear_aa(row({0, 100, 200, 255}), 2, 1);
  EXPECT_EQ(out.pixels, (std::vector<std::uint8_t>{71, 209}));
  // Without antialiasing the 2-tap interpolation at source x = 0.5 and 2.5.
  EXPECT_EQ(resize_bilinear(row({0, 100, 200, 255}), 2, 1).pixels,
            (std::vector<std::uint8_t>{50, 228}));
}

TEST(DataResize, BilinearNonIntegerDownscaleMatchesPil) {
  // 5 -> 2: scale 2.5, support 2.5. Output 0: centre 1.25, window [int(-0.75), int(4.25)) = 0..3,
  // weights 1 - |x + 0.5 - 1.25| / 2.5 = .7, .9, .5, .1 (sum 2.2); output 1: centre 3.75, pixels
  // 1..4 with .1, .5, .9, .7. A ramp stays a ramp: 110 / 2.2 = 50 and 330 / 2.2 = 150 (2-tap
  // bilinear would sample x = 0.75 and 3.25: 38 and 163). An alternating row averages out:
  // (.9 + .1) * 255 / 2.2 = 115.9 -> 116 both (2-tap: 191 both). PIL 9.4 gives the same.
  EXPECT_EQ(resize_bilinear_aa(row({0, 50, 100, 150, 200}), 2, 1).pixels,
            (std::vector<std::uint8_t>{50, 150}));
  EXPECT_EQ(resize_bilinear_aa(row({0, 255, 0, 255, 0}), 2, 1).pixels,
            (std::vector<std::uint8_t>{116, 116}));
  // The vertical pass uses the same filter.
  Image col(1, 5, 1);
  col.pixels = {0, 255, 0, 255, 0};
  EXPECT_EQ(resize_bilinear_aa(col, 1, 2).pixels, (std::vector<std::uint8_t>{116, 116}));
}

TEST(DataResize, BilinearUpscaleMatchesPil) {
  // 2 -> 4: centres 0.25, 0.75, 1.25, 1.75; edges take one pixel (PIL clips the window).
  EXPECT_EQ(resize_bilinear_aa(row({0, 100}), 4, 1).pixels,
            (std::vector<std::uint8_t>{0, 25, 75, 100}));
}

TEST(DataResize, SeparableAndIdentity) {
  const Image img = test::noise(7, 5, 3, 9);
  EXPECT_EQ(resize_bilinear_aa(img, 7, 5).pixels, img.pixels);
  // A constant image stays constant whatever the sizes.
  const Image c = resize_bilinear_aa(test::solid(13, 11, 10, 20, 30), 5, 4);
  for (std::size_t i = 0; i < c.pixels.size(); i += 3) {
    EXPECT_EQ(c.pixels[i], 10);
    EXPECT_EQ(c.pixels[i + 2], 30);
  }
  // Vertical-only resize: the column [0, 255] -> 1 pixel averages it.
  Image col(1, 2, 1);
  col.pixels = {0, 255};
  EXPECT_EQ(resize_bilinear_aa(col, 1, 1).pixels[0], 128);
}

TEST(DataResize, NearestSamplesPixelCentres) {
  EXPECT_EQ(resize_nearest(row({10, 20, 30, 40}), 2, 1).pixels,
            (std::vector<std::uint8_t>{20, 40}));
  EXPECT_EQ(resize_nearest(row({10, 20}), 4, 1).pixels,
            (std::vector<std::uint8_t>{10, 10, 20, 20}));
}

TEST(DataResize, CropChecksBounds) {
  const Image img = test::noise(6, 4, 1, 1);
  const Image c = crop(img, 2, 1, 3, 2);
  EXPECT_EQ(c.pixels[0], img.pixels[1 * 6 + 2]);
  EXPECT_EQ(c.pixels[5], img.pixels[2 * 6 + 4]);
  EXPECT_THROW(crop(img, 4, 0, 3, 1), Error);
}

TEST(DataPreprocess, ShorterSideThenCentreCropAsTorchvision) {
  PreprocessConfig cfg = preset("imagenet");
  Geometry g;
  // 300x200: shorter side 200 -> 256, long side int(256 * 300 / 200) = 384; crop offsets
  // (384 - 224) / 2 = 80 and (256 - 224) / 2 = 16.
  const Image out = prepare_image(test::noise(300, 200, 3, 5), cfg, &g);
  EXPECT_EQ(out.width, 224);
  EXPECT_EQ(out.height, 224);
  EXPECT_DOUBLE_EQ(g.scale_x, 300.0 / 384);
  EXPECT_DOUBLE_EQ(g.offset_x, 80 * 300.0 / 384);
  EXPECT_DOUBLE_EQ(g.offset_y, 16 * 200.0 / 256);
  // 225 wide after resize: (225 - 224) / 2 = 0.5 rounds half to even -> 0 (Python round).
  cfg.shorter = 224;
  const Image odd = prepare_image(test::noise(225, 224, 3, 6), cfg, &g);
  EXPECT_EQ(odd.width, 224);
  EXPECT_DOUBLE_EQ(g.offset_x, 0.0);
}

TEST(DataPreprocess, NormalisesIntoLayoutAndColourOrder) {
  PreprocessConfig cfg = preset("ssd300");  // BGR, mean (104, 117, 123)
  cfg.width = cfg.height = 2;
  Tensor t(DType::f32, input_shape(cfg, 2));
  const Image img = prepare_image(test::solid(2, 2, 10, 20, 30), cfg);
  fill_tensor(img, cfg, t, 1);
  const float* p = t.data<float>() + 12;  // slot 1 of 3x2x2
  EXPECT_FLOAT_EQ(p[0], 30 - 104.0f);     // channel 0 is blue
  EXPECT_FLOAT_EQ(p[4], 20 - 117.0f);
  EXPECT_FLOAT_EQ(p[8], 10 - 123.0f);
  EXPECT_FLOAT_EQ(t.data<float>()[0], 0.0f);  // slot 0 untouched

  PreprocessConfig c2 = preset("cifar10");
  c2.width = c2.height = 1;
  c2.layout = Layout::nhwc;
  Tensor t2(DType::f32, input_shape(c2, 1));
  EXPECT_EQ(t2.shape(), (Shape{1, 1, 1, 3}));
  fill_tensor(prepare_image(test::solid(1, 1, 255, 0, 51), c2), c2, t2, 0);
  EXPECT_NEAR(t2.data<float>()[0], (1.0 - 0.485) / 0.229, 1e-5);
  EXPECT_NEAR(t2.data<float>()[2], (0.2 - 0.406) / 0.225, 1e-5);

  PreprocessConfig m = preset("mnist");  // gray, raw values
  Tensor t3(DType::f32, input_shape(m, 1));
  Image gray(28, 28, 1);
  gray.pixels[5] = 200;
  fill_tensor(prepare_image(gray, m), m, t3, 0);
  EXPECT_FLOAT_EQ(t3.data<float>()[5], 200.0f);
  EXPECT_THROW(fill_tensor(test::solid(3, 3, 0, 0, 0), m, t3, 0), Error);
}

TEST(DataPreprocess, ConfigFileOverridesAPreset) {
  const PreprocessConfig c = parse_preprocess_config(
      R"({"preset": "imagenet", "color": "bgr", "resize": "direct", "size": [320, 240],
          "interpolation": "nearest", "mean": 127, "std": [128, 128, 128], "scale": 1,
          "layout": "nhwc", "dtype": "u8"})",
      "cfg.json");
  EXPECT_EQ(c.color, ColorOrder::bgr);
  EXPECT_EQ(c.resize, ResizeMode::direct);
  EXPECT_EQ(c.width, 320);
  EXPECT_EQ(c.height, 240);
  EXPECT_EQ(c.interpolation, Interpolation::nearest);
  EXPECT_FLOAT_EQ(c.mean[2], 127.0f);
  EXPECT_EQ(c.layout, Layout::nhwc);
  EXPECT_EQ(c.dtype, DType::u8);
  EXPECT_THROW(parse_preprocess_config(R"({"colour": "rgb"})", "x.json"), Error);
  EXPECT_THROW(parse_preprocess_config(R"({"color": "cmyk"})", "x.json"), Error);
  EXPECT_THROW(parse_preprocess_config(R"({"std": 0})", "x.json"), Error);
  EXPECT_THROW(parse_preprocess_config("{", "x.json"), Error);
  EXPECT_THROW(preset("nope"), Error);
  for (const auto& n :
       {"imagenet", "cifar10", "mnist", "ssd300", "ssd300-torchvision", "ultraface"})
    EXPECT_NO_THROW(preset(n)) << n;
}

TEST(DataPreprocess, SaturatesIntegerOutputs) {
  PreprocessConfig c;
  c.width = c.height = 1;
  c.dtype = DType::i8;
  c.mean = {0, 0, 0};
  Tensor t(DType::i8, input_shape(c, 1));
  fill_tensor(test::solid(1, 1, 255, 3, 0), c, t, 0);
  EXPECT_EQ(t.data<std::int8_t>()[0], 127);
  EXPECT_EQ(t.data<std::int8_t>()[1], 3);
}

}  // namespace
}  // namespace inferlab::data
