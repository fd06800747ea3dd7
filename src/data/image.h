#pragma once
// 8-bit images as decoded from files: interleaved (HWC), 1 (gray) or 3 (RGB) channels.
#include <cstdint>
#include <string>
#include <vector>

namespace inferlab::data {

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // height * width * channels, row-major, interleaved

  Image() = default;
  Image(int w, int h, int c)
      : width(w), height(h), channels(c), pixels(static_cast<std::size_t>(w) * h * c) {}
  std::uint8_t* row(int y) {
    return pixels.data() + static_cast<std::size_t>(y) * width * channels;
  }
  const std::uint8_t* row(int y) const {
    return pixels.data() + static_cast<std::size_t>(y) * width * channels;
  }
};

// Largest image decoded, in pixels: PIL's decompression-bomb limit (2 * 89,478,485), so a
// hostile header cannot make us allocate tens of gigabytes.
inline constexpr std::int64_t kMaxImagePixels = 178956970;

// Decodes a JPEG or PNG (recognised by its signature, not its extension) to gray (1 channel)
// or RGB (3 channels) as stored: grayscale stays gray, CMYK/YCCK JPEGs and palette/alpha/16-bit
// PNGs become RGB the way PIL's convert("RGB") does. EXIF orientation is ignored, as PIL and
// torchvision do. Throws Error naming `name` for corrupt, truncated or unsupported data.
Image decode_image(const std::vector<std::uint8_t>& bytes, const std::string& name);
Image read_image(const std::string& path);  // reads the file, then decode_image

Image decode_jpeg(const std::vector<std::uint8_t>& bytes, const std::string& name);
Image decode_png(const std::vector<std::uint8_t>& bytes, const std::string& name);

// Encoders (used by tests to write synthetic data sets, and by tools).
// encode_jpeg takes 1 (gray), 3 (RGB) or 4 channels (raw CMYK, written with an Adobe marker).
std::vector<std::uint8_t> encode_jpeg(const Image& img, int quality = 90);
std::vector<std::uint8_t> encode_png(const Image& img);
void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> read_file(const std::string& path);  // throws Error if unreadable

// Gray <-> RGB with PIL's formulas (L = (19595 R + 38470 G + 7471 B + 32768) >> 16).
Image to_rgb(const Image& img);
Image to_gray(const Image& img);

}  // namespace inferlab::data
