// JPEG/PNG decoding (chosen by signature) and the colour conversions every dataset applies.
#include <new>

#include "data/image.h"
#include "fuzz_util.h"
#include "ir/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace inferlab;
  try {
    const data::Image img = data::decode_image(std::vector<std::uint8_t>(data, data + size), "in");
    const data::Image rgb = data::to_rgb(img);
    const data::Image gray = data::to_gray(img);
    // The decoder's own claim about its output, checked: a mismatch would be a bug.
    const auto expect = static_cast<std::size_t>(img.width) * img.height * img.channels;
    if (img.pixels.size() != expect || rgb.channels != 3 || gray.channels != 1) __builtin_trap();
  } catch (const Error&) {
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
