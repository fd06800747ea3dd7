// PASCAL VOC annotations: the input is the XML of the single image of a VOC tree (an 8x8 JPEG),
// read through open_voc and Dataset::load like `accuracy --dataset VOC...` does.
#include <filesystem>
#include <new>

#include "data/dataset.h"
#include "data/image.h"
#include "fuzz_util.h"

namespace {

// The tree, built once per process; each input replaces Annotations/x.xml.
std::string voc_root() {
  namespace fs = std::filesystem;
  static const std::string root = [] {
    const fs::path r = inferlab::fuzz::scratch_dir() / "voc";
    fs::create_directories(r / "Annotations");
    fs::create_directories(r / "JPEGImages");
    fs::create_directories(r / "ImageSets" / "Main");
    std::ofstream(r / "ImageSets" / "Main" / "test.txt") << "x\n";
    inferlab::data::Image img(8, 8, 3);
    inferlab::data::write_file((r / "JPEGImages" / "x.jpg").string(),
                               inferlab::data::encode_jpeg(img));
    return r.string();
  }();
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace inferlab;
  const std::string root = voc_root();
  const std::string xml((std::filesystem::path(root) / "Annotations" / "x.xml").string());
  std::ofstream(xml, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  try {
    const auto ds = data::open_voc(root, "test");
    for (std::size_t i = 0; i < ds->size(); ++i) ds->load(i);
  } catch (const Error&) {
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
