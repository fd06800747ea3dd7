// The distinct convolution shapes of ResNet-50 v1.5 (torchvision layout: the stride of a
// bottleneck's first block sits on its 3x3 conv, the projection shortcut is a strided 1x1), with
// how often each occurs in the network (53 convolutions in all), so that per-layer timings add up
// to a whole-network estimate. Batch is chosen at run time.
#pragma once

#include <array>

namespace onednn_layers {

struct ConvShape {
  const char* name;  // e.g. "l3.3x3s2": stage, kernel, stride
  int ic, oc;
  int in_hw;  // square input
  int k, stride;
  int count;  // occurrences in ResNet-50

  int pad() const { return k / 2; }
  int out_hw() const { return (in_hw + 2 * pad() - k) / stride + 1; }
  // Multiply-accumulates of one image.
  double macs() const { return double(oc) * out_hw() * out_hw() * ic * k * k; }
};

// Stage l1: 56x56, l2: 28x28, l3: 14x14, l4: 7x7 outputs.
inline constexpr std::array<ConvShape, 23> kResNet50{{
    {"stem.7x7s2", 3, 64, 224, 7, 2, 1},
    {"l1.1x1.64-64", 64, 64, 56, 1, 1, 1},
    {"l1.3x3.64", 64, 64, 56, 3, 1, 3},
    {"l1.1x1.64-256", 64, 256, 56, 1, 1, 4},  // 3 conv3 + the projection
    {"l1.1x1.256-64", 256, 64, 56, 1, 1, 2},
    {"l2.1x1.256-128", 256, 128, 56, 1, 1, 1},
    {"l2.3x3s2.128", 128, 128, 56, 3, 2, 1},
    {"l2.1x1.128-512", 128, 512, 28, 1, 1, 4},
    {"l2.1x1s2.256-512", 256, 512, 56, 1, 2, 1},
    {"l2.1x1.512-128", 512, 128, 28, 1, 1, 3},
    {"l2.3x3.128", 128, 128, 28, 3, 1, 3},
    {"l3.1x1.512-256", 512, 256, 28, 1, 1, 1},
    {"l3.3x3s2.256", 256, 256, 28, 3, 2, 1},
    {"l3.1x1.256-1024", 256, 1024, 14, 1, 1, 6},
    {"l3.1x1s2.512-1024", 512, 1024, 28, 1, 2, 1},
    {"l3.1x1.1024-256", 1024, 256, 14, 1, 1, 5},
    {"l3.3x3.256", 256, 256, 14, 3, 1, 5},
    {"l4.1x1.1024-512", 1024, 512, 14, 1, 1, 1},
    {"l4.3x3s2.512", 512, 512, 14, 3, 2, 1},
    {"l4.1x1.512-2048", 512, 2048, 7, 1, 1, 3},
    {"l4.1x1s2.1024-2048", 1024, 2048, 14, 1, 2, 1},
    {"l4.1x1.2048-512", 2048, 512, 7, 1, 1, 2},
    {"l4.3x3.512", 512, 512, 7, 3, 1, 2},
}};

}  // namespace onednn_layers
