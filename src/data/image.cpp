#include "data/image.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "inferlab/lab/output_file.h"
#include "ir/error.h"

namespace inferlab::data {

Image decode_image(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
    return decode_jpeg(bytes, name);
  static const std::uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  if (bytes.size() >= 8 && std::equal(png_sig, png_sig + 8, bytes.begin()))
    return decode_png(bytes, name);
  if (bytes.empty()) fail("{}: empty file", name);
  fail("{}: not a JPEG or PNG file (unrecognised signature)", name);
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::io, "{}: cannot open file: {}", path, std::strerror(errno));
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (in.bad()) fail("{}: read error", path);
  return bytes;
}

void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  write_file_atomically(path,
                        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                        "image file");
}

Image read_image(const std::string& path) {
  return decode_image(read_file(path), path);
}

Image to_rgb(const Image& img) {
  if (img.channels == 3) return img;
  if (img.channels != 1) fail("to_rgb: unsupported channel count {}", img.channels);
  Image out(img.width, img.height, 3);
  for (std::size_t i = 0; i < img.pixels.size(); ++i)
    out.pixels[3 * i] = out.pixels[3 * i + 1] = out.pixels[3 * i + 2] = img.pixels[i];
  return out;
}

Image to_gray(const Image& img) {
  if (img.channels == 1) return img;
  if (img.channels != 3) fail("to_gray: unsupported channel count {}", img.channels);
  Image out(img.width, img.height, 1);
  for (std::size_t i = 0; i < out.pixels.size(); ++i) {
    const std::uint32_t r = img.pixels[3 * i], g = img.pixels[3 * i + 1], b = img.pixels[3 * i + 2];
    out.pixels[i] = static_cast<std::uint8_t>((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
  }
  return out;
}

}  // namespace inferlab::data
