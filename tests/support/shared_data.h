#pragma once
// ../shared/data for the tests that use real models and images: they skip with a clear message
// when it is absent (REQUIRE_SHARED), and run their full-size variants only when asked
// (INFERLAB_ACCEPTANCE=1).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace inferlab::test {

inline const std::string kShared = INFERLAB_SHARED_DATA;

inline bool full_run() {
  const char* e = std::getenv("INFERLAB_ACCEPTANCE");
  return e && std::string(e) == "1";
}

}  // namespace inferlab::test

#define REQUIRE_SHARED(rel)                                                                \
  if (!std::filesystem::exists(::inferlab::test::kShared + "/" + (rel)))                   \
  GTEST_SKIP() << "shared test data absent (" << ::inferlab::test::kShared << "/" << (rel) \
               << "): see ../shared/data/README.md"
