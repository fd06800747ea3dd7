#include "support/temp_dir.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

namespace inferlab::test {

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("inferlab-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& rel, const std::string& bytes) const {
  const std::string p = file(rel);
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("test: cannot write " + p);
  return p;
}

}  // namespace inferlab::test
