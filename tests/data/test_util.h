#pragma once
// Helpers for the data tests: temporary folders and synthetic images.
#include <filesystem>
#include <string>

#include "data/image.h"

namespace inferlab::data::test {

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  std::filesystem::path path_;
};

// A w x h image with every pixel = (r, g, b).
Image solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b);
// Deterministic pseudo-random pixels.
Image noise(int w, int h, int channels, unsigned seed);
void write_text(const std::string& path, const std::string& text);

}  // namespace inferlab::data::test
