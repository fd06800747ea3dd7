// ResNet-50 v1.5 as torchvision.models.resnet50: the stride of a downsampling bottleneck sits on
// its 3x3 conv; every conv is bias-free and followed by BatchNormalization.
#include <fmt/format.h>

#include "zoo/model_builder.h"
#include "zoo/zoo.h"

namespace inferlab::zoo {
namespace {

std::string bottleneck(ModelBuilder& b, const std::string& x, const std::string& p, std::int64_t in,
                       std::int64_t planes, std::int64_t stride) {
  const std::int64_t out = planes * 4;
  std::string y = b.conv(x, p + ".conv1", {.in = in, .out = planes, .kernel = 1});
  y = b.relu(b.batchnorm(y, p + ".bn1", planes), p + ".relu1");
  y = b.conv(y, p + ".conv2",
             {.in = planes, .out = planes, .kernel = 3, .stride = stride, .pad = 1});
  y = b.relu(b.batchnorm(y, p + ".bn2", planes), p + ".relu2");
  y = b.conv(y, p + ".conv3", {.in = planes, .out = out, .kernel = 1});
  y = b.batchnorm(y, p + ".bn3", out, kResidualBn);
  std::string identity = x;
  if (stride != 1 || in != out) {
    identity =
        b.conv(x, p + ".downsample.0", {.in = in, .out = out, .kernel = 1, .stride = stride});
    identity = b.batchnorm(identity, p + ".downsample.1", out);
  }
  return b.relu(b.add(y, identity, p + ".add"), p + ".relu3");
}

}  // namespace

onnx::ModelProto build_resnet50(const ZooOptions& o) {
  ModelBuilder b("resnet50", o.seed);
  b.add_input("input", {o.batch, 3, 224, 224});
  std::string x =
      b.conv("input", "conv1", {.in = 3, .out = 64, .kernel = 7, .stride = 2, .pad = 3});
  x = b.relu(b.batchnorm(x, "bn1", 64), "relu");
  x = b.max_pool(x, "maxpool", 3, 2, 1);
  std::int64_t in = 64;
  const std::int64_t blocks[4] = {3, 4, 6, 3};
  for (int layer = 0; layer < 4; ++layer) {
    const std::int64_t planes = std::int64_t{64} << layer;
    for (std::int64_t i = 0; i < blocks[layer]; ++i) {
      const std::int64_t stride = layer > 0 && i == 0 ? 2 : 1;
      x = bottleneck(b, x, fmt::format("layer{}.{}", layer + 1, i), in, planes, stride);
      in = planes * 4;
    }
  }
  b.classifier(x, "fc", 2048, 1000, "logits");
  b.add_output("logits", {o.batch, 1000});
  return b.finish(
      fmt::format("ResNet-50 v1.5 (torchvision resnet50), inferlab zoo, seed {}", o.seed));
}

}  // namespace inferlab::zoo
