#pragma once
// OpenCV 4.6's ONNX importer reads Clip's bounds only as attributes (Clip-6); since opset 11
// they are inputs, which it rejects ("parse error" on MobileNetV2's and SSD300's Clip). This
// gives the model's bytes with each Clip whose min/max inputs are constants (initializers or
// Constant nodes) rewritten to carry them as attributes; nothing else changes.
#include <cstdint>
#include <string>
#include <vector>

namespace inferlab::opencv_worker {

// `rewritten` receives the number of Clip nodes changed.
std::vector<std::uint8_t> model_with_clip_attributes(const std::string& path, int* rewritten);

}  // namespace inferlab::opencv_worker
