// Decoding: JPEG (RGB, gray, CMYK), PNG, and corrupt / truncated / unknown files.
#include <gtest/gtest.h>

#include "data/image.h"
#include "ir/error.h"
#include "test_util.h"

namespace inferlab::data {
namespace {

TEST(DataImage, PngRoundTripIsExact) {
  for (int c : {1, 3}) {
    const Image img = test::noise(17, 9, c, 42);
    const Image back = decode_image(encode_png(img), "mem.png");
    EXPECT_EQ(back.width, 17);
    EXPECT_EQ(back.height, 9);
    EXPECT_EQ(back.channels, c);
    EXPECT_EQ(back.pixels, img.pixels);
  }
}

TEST(DataImage, JpegRgbAndGrayDecodeCloseToSource) {
  const Image rgb = test::solid(32, 24, 200, 100, 50);
  const Image back = decode_image(encode_jpeg(rgb, 95), "mem.jpg");
  ASSERT_EQ(back.channels, 3);
  ASSERT_EQ(back.width, 32);
  ASSERT_EQ(back.height, 24);
  for (std::size_t i = 0; i < back.pixels.size(); ++i)
    EXPECT_NEAR(back.pixels[i], rgb.pixels[i], 3) << i;
  Image gray(8, 8, 1);
  std::fill(gray.pixels.begin(), gray.pixels.end(), 77);
  const Image g = decode_image(encode_jpeg(gray, 95), "gray.jpg");
  ASSERT_EQ(g.channels, 1);  // grayscale stays grayscale; to_rgb replicates it
  EXPECT_NEAR(g.pixels[0], 77, 1);
  const Image g3 = to_rgb(g);
  EXPECT_EQ(g3.channels, 3);
  EXPECT_EQ(g3.pixels[0], g3.pixels[2]);
}

TEST(DataImage, CmykJpegConvertsLikePil) {
  // An Adobe CMYK JPEG holds inverted values; PIL reads it as CMYK;I and converts with
  // R = 255 - k' - c' * (255 - k') / 255 on the re-inverted values, i.e. raw_c * raw_k / 255.
  Image cmyk(16, 16, 4);
  for (std::size_t i = 0; i < cmyk.pixels.size(); i += 4) {
    cmyk.pixels[i] = 200;      // c
    cmyk.pixels[i + 1] = 100;  // m
    cmyk.pixels[i + 2] = 255;  // y
    cmyk.pixels[i + 3] = 128;  // k
  }
  const Image rgb = decode_image(encode_jpeg(cmyk, 100), "cmyk.jpg");
  ASSERT_EQ(rgb.channels, 3);
  EXPECT_NEAR(rgb.pixels[0], 200 * 128 / 255.0, 2);
  EXPECT_NEAR(rgb.pixels[1], 100 * 128 / 255.0, 2);
  EXPECT_NEAR(rgb.pixels[2], 255 * 128 / 255.0, 2);
}

TEST(DataImage, GrayConversionUsesPilWeights) {
  const Image g = to_gray(test::solid(2, 2, 255, 0, 0));
  EXPECT_EQ(g.pixels[0], (255 * 19595 + 0x8000) >> 16);  // 76
  EXPECT_EQ(to_gray(test::solid(1, 1, 10, 200, 30)).pixels[0],
            (10 * 19595 + 200 * 38470 + 30 * 7471 + 0x8000) >> 16);
}

TEST(DataImage, TruncatedAndCorruptFilesThrow) {
  auto jpeg = encode_jpeg(test::noise(64, 64, 3, 1), 90);
  const std::vector<std::uint8_t> half(jpeg.begin(), jpeg.begin() + jpeg.size() / 2);
  EXPECT_THROW(decode_image(half, "half.jpg"), Error);
  try {
    decode_image(half, "half.jpg");
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("half.jpg"), std::string::npos) << e.what();
  }
  std::vector<std::uint8_t> garbled = jpeg;
  for (std::size_t i = 2; i < 200 && i < garbled.size(); ++i) garbled[i] = 0x00;
  EXPECT_THROW(decode_image(garbled, "garbled.jpg"), Error);
  auto png = encode_png(test::noise(20, 20, 3, 2));
  const std::vector<std::uint8_t> png_half(png.begin(), png.begin() + png.size() / 2);
  EXPECT_THROW(decode_image(png_half, "half.png"), Error);
  EXPECT_THROW(decode_image({'G', 'I', 'F', '8'}, "x.gif"), Error);
  EXPECT_THROW(decode_image({}, "empty.jpg"), Error);
  EXPECT_THROW(read_image("/nonexistent/file.jpg"), Error);
}

TEST(DataImage, RefusesGiantDimensions) {
  // A valid 1x1 PNG whose header is patched to claim 20000 x 20000 pixels (IHDR CRC fixed up):
  // refused before any pixel buffer is allocated.
  Image big(1, 1, 1);
  auto png = encode_png(big);
  // IHDR data starts at byte 16: width, height big-endian; patch and fix the CRC.
  auto put = [&](std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) png[at + k] = static_cast<std::uint8_t>(v >> (24 - 8 * k));
  };
  put(16, 20000);
  put(20, 20000);
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 12; i < 29; ++i) {
    crc ^= png[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  put(29, ~crc);
  try {
    decode_image(png, "bomb.png");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("decoder's limit"), std::string::npos) << e.what();
  }
}

TEST(DataImage, FilesRoundTrip) {
  test::TempDir dir("img");
  const Image img = test::noise(5, 4, 3, 3);
  write_file(dir / "a.png", encode_png(img));
  EXPECT_EQ(read_image(dir / "a.png").pixels, img.pixels);
}

}  // namespace
}  // namespace inferlab::data
