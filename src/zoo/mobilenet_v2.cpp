// MobileNetV2 (width 1.0, 224x224) as torchvision.models.mobilenet_v2: inverted residual blocks
// with ReLU6 written as Clip(0, 6) and depthwise convs as group convs (group = channels).
#include <fmt/format.h>

#include "zoo/model_builder.h"
#include "zoo/zoo.h"

namespace inferlab::zoo {
namespace {

std::string conv_bn_relu6(ModelBuilder& b, const std::string& x, const std::string& p,
                          const ConvSpec& s) {
  const std::string y = b.batchnorm(b.conv(x, p + ".0", s), p + ".1", s.out);
  return b.relu6(y, p + ".2");
}

std::string inverted_residual(ModelBuilder& b, const std::string& x, const std::string& p,
                              std::int64_t in, std::int64_t out, std::int64_t stride,
                              std::int64_t expand) {
  const std::int64_t hidden = in * expand;
  const bool residual = stride == 1 && in == out;
  std::string y = x;
  int i = 0;
  if (expand != 1) {
    y = conv_bn_relu6(b, y, fmt::format("{}.conv.{}", p, i++), {.in = in, .out = hidden});
  }
  y = conv_bn_relu6(
      b, y, fmt::format("{}.conv.{}", p, i++),
      {.in = hidden, .out = hidden, .kernel = 3, .stride = stride, .pad = 1, .group = hidden});
  y = b.conv(y, fmt::format("{}.conv.{}", p, i++), {.in = hidden, .out = out});
  y = b.batchnorm(y, fmt::format("{}.conv.{}", p, i++), out, residual ? kResidualBn : BnInit{});
  return residual ? b.add(x, y, p + ".add") : y;
}

}  // namespace

onnx::ModelProto build_mobilenet_v2(const ZooOptions& o) {
  ModelBuilder b("mobilenet_v2", o.seed);
  b.add_input("input", {o.batch, 3, 224, 224});
  std::string x = conv_bn_relu6(b, "input", "features.0",
                                {.in = 3, .out = 32, .kernel = 3, .stride = 2, .pad = 1});
  // torchvision's inverted_residual_setting: expansion t, channels c, repeats n, stride s.
  struct Stage {
    std::int64_t t, c, n, s;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::int64_t in = 32;
  int index = 1;
  for (const auto& st : stages) {
    for (std::int64_t i = 0; i < st.n; ++i) {
      x = inverted_residual(b, x, fmt::format("features.{}", index++), in, st.c, i == 0 ? st.s : 1,
                            st.t);
      in = st.c;
    }
  }
  x = conv_bn_relu6(b, x, fmt::format("features.{}", index), {.in = 320, .out = 1280});
  // The classifier's Dropout is the identity at inference and is left out, as in exports.
  b.classifier(x, "classifier.1", 1280, 1000, "logits");
  b.add_output("logits", {o.batch, 1000});
  return b.finish(
      fmt::format("MobileNetV2 1.0 224 (torchvision mobilenet_v2), inferlab zoo, seed {}", o.seed));
}

}  // namespace inferlab::zoo
