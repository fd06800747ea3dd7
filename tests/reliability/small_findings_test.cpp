// The probe's smaller findings: each used to be accepted, vague or an internal error.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/dataset.h"
#include "data/image.h"
#include "support/cli.h"
#include "support/onnx_builder.h"

using namespace inferlab;
using namespace inferlab::test;
namespace fs = std::filesystem;

namespace {

data::Image gradient(int w, int h) {
  data::Image img(w, h, 3);
  for (std::size_t i = 0; i < img.pixels.size(); ++i)
    img.pixels[i] = static_cast<std::uint8_t>(i * 7);
  return img;
}

}  // namespace

TEST(SmallFindings, NegativeTimeIsRejectedLikeZero) {
  TempDir d("rel");
  relu_model().save(d / "m.onnx");
  for (const char* t : {"-1", "0"}) {
    const CliResult r = run_cli("bench " + d / "m.onnx" + " --no-db --time " + t);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, "--time must be a positive number of seconds")) << r.out;
  }
}

TEST(SmallFindings, CompareOnATruncatedModelNamesTheFileAndTheReason) {
  TempDir d("rel");
  const std::string bytes = gemm_model().bytes();
  write_bytes(d / "cut.onnx", bytes.substr(0, bytes.size() / 2));
  const CliResult r = run_cli("compare " + d / "cut.onnx" + " --backends native --no-db");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, d / "cut.onnx" + ": no backend could open the model")) << r.out;
  EXPECT_TRUE(contains(r.out, "native: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "not a valid ONNX model")) << r.out;
}

// A header claiming 10000x10000 in front of the scan of a 32x32 image (EOI present).
TEST(SmallFindings, JpegWhoseHeaderClaimsMorePixelsThanItHoldsIsRejected) {
  std::vector<std::uint8_t> jpg = data::encode_jpeg(gradient(32, 32));
  bool patched = false;
  for (std::size_t i = 0; i + 9 < jpg.size(); ++i) {
    if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {  // SOF0: length(2) precision(1) height(2) width(2)
      for (std::size_t k : {i + 5, i + 7}) {
        jpg[k] = 10000 >> 8;
        jpg[k + 1] = 10000 & 0xFF;
      }
      patched = true;
      break;
    }
  }
  ASSERT_TRUE(patched);
  try {
    data::decode_image(jpg, "big.jpg");
    FAIL() << "decoded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("big.jpg: truncated JPEG"), std::string::npos) << e.what();
  }
}

TEST(SmallFindings, SelfReferencingSymlinkInADatasetIsSkippedWithAReason) {
  TempDir d("rel");
  fs::create_directories(d.path() / "cat");
  data::write_file(d / "cat/a.jpg", data::encode_jpeg(gradient(8, 8)));
  fs::create_symlink("zz_loop.jpg", d.path() / "cat/zz_loop.jpg");
  const auto ds = data::open_dataset(d.path().string());
  ASSERT_EQ(ds->size(), 2u);
  EXPECT_EQ(ds->load(0).image.width, 8);
  try {
    ds->load(1);
    FAIL() << "loaded a symlink loop";
  } catch (const data::DataError& e) {
    EXPECT_EQ(e.reason(), "missing image");
    EXPECT_NE(std::string(e.what()).find("symbolic links"), std::string::npos) << e.what();
  }
}
