#include "test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace inferlab::data::test {

Image solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image img(w, h, 3);
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
    img.pixels[i] = r;
    img.pixels[i + 1] = g;
    img.pixels[i + 2] = b;
  }
  return img;
}

Image noise(int w, int h, int channels, unsigned seed) {
  Image img(w, h, channels);
  std::mt19937 rng(seed);
  for (auto& p : img.pixels) p = static_cast<std::uint8_t>(rng() & 0xFF);
  return img;
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

}  // namespace inferlab::data::test
