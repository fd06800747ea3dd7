#pragma once
// Shared by the fuzz targets: a per-process scratch folder for the file-based entry points, and
// the sanitizer defaults every target runs with.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace inferlab::fuzz {

// Tensors above this many elements are not run: a valid but huge model is not a bug, and
// running it would only make the fuzzer slow.
inline constexpr std::int64_t kMaxRunElements = std::int64_t{1} << 18;

inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("inferlab-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

// Writes the input to scratch_dir()/name (the entry points under test read files).
inline std::string scratch_file(const std::string& name, const std::uint8_t* data,
                                std::size_t size) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace inferlab::fuzz
