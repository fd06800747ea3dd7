#pragma once
// A fresh folder under the system temp dir, unique per process and object, removed with the
// object: tests running in parallel (ctest -j, gtest_discover_tests) never share files.
#include <filesystem>
#include <string>

namespace inferlab::test {

class TempDir {
 public:
  explicit TempDir(const std::string& tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Path of `rel` inside the folder (nothing is created).
  std::string file(const std::string& rel) const { return (path_ / rel).string(); }
  std::string operator/(const std::string& rel) const { return file(rel); }
  // Writes `bytes` to `rel` inside the folder; returns its path.
  std::string write(const std::string& rel, const std::string& bytes) const;

 private:
  std::filesystem::path path_;
};

}  // namespace inferlab::test
