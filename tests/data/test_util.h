#pragma once
// Helpers for the data tests: synthetic images (temporary folders: support/temp_dir.h).
#include <filesystem>
#include <string>

#include "data/image.h"
#include "support/temp_dir.h"

namespace inferlab::data::test {

using inferlab::test::TempDir;

// A w x h image with every pixel = (r, g, b).
Image solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b);
// Deterministic pseudo-random pixels.
Image noise(int w, int h, int channels, unsigned seed);
void write_text(const std::string& path, const std::string& text);

}  // namespace inferlab::data::test
