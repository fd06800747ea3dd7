#pragma once
// Two things OpenCV 4.6's ONNX importer rejects, rewritten before it reads the model:
// - Clip's bounds as inputs (opset >= 11; it reads only Clip-6 attributes: MobileNetV2's and
//   SSD300's Clip): constant min/max inputs become attributes;
// - Pad's pads computed from constants by shape arithmetic (CIFAR ResNet-20): folded into an
//   initializer (int_folding.h).
// Nothing else changes; what cannot be rewritten is left for OpenCV to report.
#include <cstdint>
#include <string>
#include <vector>

namespace inferlab::opencv_worker {

// The model's bytes after the rewrites; `rewritten` receives the number of nodes changed.
std::vector<std::uint8_t> opencv_compatible_model(const std::string& path, int* rewritten);

}  // namespace inferlab::opencv_worker
