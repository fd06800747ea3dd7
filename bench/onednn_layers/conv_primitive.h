// One oneDNN convolution of a ResNet-50 shape, ready to execute: primitive, memories filled
// with small finite values, and the implementation oneDNN picked. The same source builds against
// oneDNN 2.x (operation descriptors, output scales) and 3.x (primitive_desc constructors, scales
// per argument given at run time); conv_primitive.cpp holds the only version switches.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "resnet50_shapes.h"

namespace onednn_layers {

enum class Kind {
  f32_direct,    // algorithm::convolution_direct, f32
  f32_winograd,  // algorithm::convolution_winograd, f32 (3x3 stride 1 only)
  bf16_direct,   // bf16 source/weights/destination, f32 bias and accumulation
  i8_direct,     // u8 source, s8 weights with per-channel scales, s32 bias, u8 destination
};

// Activation layout of the f32/bf16 layers: oneDNN's own choice (format_tag::any; 2.6 picks
// nhwc for brgconv), or nChw16c as the engine fixes it (Winograd takes only that).
enum class Layout { any, nChw16c };

const char* kind_name(Kind kind);
bool parse_kind(const std::string& text, Kind& kind);
const char* layout_name(Layout layout);

struct Conv {
  dnnl::primitive prim;
  std::unordered_map<int, dnnl::memory> args;
  std::string impl;             // primitive_desc::impl_info_str(), e.g. "brgconv:avx512_core"
  dnnl::memory::dims dst_dims;  // logical N, C, H, W
};

// Builds the convolution with a fused ReLU for `threads` OpenMP threads (oneDNN fixes the work
// split when the primitive is created). Throws dnnl::error with status unimplemented when
// oneDNN has no implementation of that combination (e.g. Winograd in 3.x on x64).
Conv make_conv(const dnnl::engine& eng, const ConvShape& shape, int batch, Kind kind,
               Layout layout);

// Executes the convolution once and returns its destination as plain f32 (nchw), so that
// versions and algorithms can be compared on the same inputs.
std::vector<float> plain_output(const dnnl::engine& eng, Conv& conv);

}  // namespace onednn_layers
