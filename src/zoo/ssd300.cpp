// SSD300 with a VGG16 backbone as torchvision.models.detection.ssd300_vgg16 (num_classes=21,
// Pascal VOC), without the pre-processing transform and the box decoding / NMS post-processing:
// the outputs are the raw box regressions [N, 8732, 4] and class logits [N, 8732, 21].
#include <fmt/format.h>

#include "zoo/model_builder.h"
#include "zoo/zoo.h"

namespace inferlab::zoo {
namespace {

constexpr std::int64_t kClasses = 21;

std::string conv_relu(ModelBuilder& b, const std::string& x, const std::string& conv_name,
                      const std::string& relu_name, const ConvSpec& s) {
  ConvSpec with_bias = s;
  with_bias.bias = true;  // SSD's convs have biases and no batch norm
  return b.relu(b.conv(x, conv_name, with_bias), relu_name);
}

// torchvision: scale_weight.view(1, -1, 1, 1) * F.normalize(x), where F.normalize divides by
// max(||x||_2 over channels, 1e-12). Written with standard ops: ReduceL2, Clip, Div, Mul.
std::string l2norm(ModelBuilder& b, const std::string& x, std::int64_t channels) {
  auto& r = b.add_node("ReduceL2", "backbone.l2norm.norm", {x});
  set_attr(r, "axes", std::vector<std::int64_t>{1});
  set_attr(r, "keepdims", std::int64_t{1});
  b.add_floats("backbone.l2norm.eps", {}, {1e-12f});
  b.add_node("Clip", "backbone.l2norm.clamp", {"backbone.l2norm.norm", "backbone.l2norm.eps"});
  b.add_node("Div", "backbone.l2norm.div", {x, "backbone.l2norm.clamp"});
  // The learned scale is initialised to 20 as in the paper and torchvision.
  b.add_floats("backbone.scale_weight", {1, channels, 1, 1},
               std::vector<float>(static_cast<std::size_t>(channels), 20.0f));
  b.add_node("Mul", "backbone.l2norm", {"backbone.l2norm.div", "backbone.scale_weight"});
  return "backbone.l2norm";
}

// Conv -> NHWC -> [N, H*W*anchors, k]: the order torchvision's SSDScoringHead produces.
std::string head(ModelBuilder& b, const std::string& x, const std::string& p, std::int64_t in,
                 std::int64_t anchors, std::int64_t k, const std::string& shape) {
  const std::string y =
      b.conv(x, p, {.in = in, .out = anchors * k, .kernel = 3, .pad = 1, .bias = true});
  auto& t = b.add_node("Transpose", p + ".nhwc", {y});
  set_attr(t, "perm", std::vector<std::int64_t>{0, 2, 3, 1});
  b.add_node("Reshape", p + ".flat", {p + ".nhwc", shape});
  return p + ".flat";
}

}  // namespace

onnx::ModelProto build_ssd300(const ZooOptions& o) {
  ModelBuilder b("ssd300_vgg16", o.seed);
  b.add_input("input", {o.batch, 3, 300, 300});

  // VGG16 features up to conv4_3 + ReLU (torchvision backbone.features, indices as there).
  std::string x = "input";
  std::int64_t in = 3;
  const std::string f = "backbone.features.";
  int i = 0;
  const std::int64_t vgg[] = {64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512};
  for (const std::int64_t c : vgg) {
    if (c < 0) {
      // pool3 rounds up (75 -> 38) so that conv4_3 is 38x38, as in the paper.
      x = b.max_pool(x, f + std::to_string(i), 2, 2, 0, /*ceil_mode=*/i == 16);
      ++i;
      continue;
    }
    x = conv_relu(b, x, f + std::to_string(i), f + std::to_string(i + 1),
                  {.in = in, .out = c, .kernel = 3, .pad = 1});
    in = c;
    i += 2;
  }
  std::vector<std::string> maps = {l2norm(b, x, 512)};

  // extra.0: pool4, conv5_1..5_3, pool5 (3x3 s1 p1), conv6 (dilation 6), conv7.
  const std::string e0 = "backbone.extra.0.";
  x = b.max_pool(x, e0 + "0", 2, 2, 0);
  for (int k = 1; k <= 5; k += 2) {
    x = conv_relu(b, x, e0 + std::to_string(k), e0 + std::to_string(k + 1),
                  {.in = 512, .out = 512, .kernel = 3, .pad = 1});
  }
  x = b.max_pool(x, e0 + "7.0", 3, 1, 1);
  x = conv_relu(b, x, e0 + "7.1", e0 + "7.2",
                {.in = 512, .out = 1024, .kernel = 3, .pad = 6, .dilation = 6});
  x = conv_relu(b, x, e0 + "7.3", e0 + "7.4", {.in = 1024, .out = 1024, .kernel = 1});
  maps.push_back(x);

  // extra.1..4: conv8_1/8_2 .. conv11_1/11_2 (1x1 reduce, then 3x3 stride 2 or unpadded).
  struct Extra {
    std::int64_t in, mid, out, stride, pad;
  };
  const Extra extras[] = {
      {1024, 256, 512, 2, 1}, {512, 128, 256, 2, 1}, {256, 128, 256, 1, 0}, {256, 128, 256, 1, 0}};
  for (int k = 0; k < 4; ++k) {
    const auto& e = extras[k];
    const std::string p = fmt::format("backbone.extra.{}.", k + 1);
    x = conv_relu(b, x, p + "0", p + "1", {.in = e.in, .out = e.mid, .kernel = 1});
    x = conv_relu(b, x, p + "2", p + "3",
                  {.in = e.mid, .out = e.out, .kernel = 3, .stride = e.stride, .pad = e.pad});
    maps.push_back(x);
  }

  // Heads: feature maps 38, 19, 10, 5, 3, 1 with 4, 6, 6, 6, 4, 4 anchors -> 8732 priors.
  const std::int64_t channels[] = {512, 1024, 512, 256, 256, 256};
  const std::int64_t anchors[] = {4, 6, 6, 6, 4, 4};
  b.add_int64s("head.shape.boxes", {0, -1, 4});
  b.add_int64s("head.shape.scores", {0, -1, kClasses});
  std::vector<std::string> boxes, scores;
  for (std::size_t m = 0; m < maps.size(); ++m) {
    boxes.push_back(head(b, maps[m], fmt::format("head.regression_head.module_list.{}", m),
                         channels[m], anchors[m], 4, "head.shape.boxes"));
    scores.push_back(head(b, maps[m], fmt::format("head.classification_head.module_list.{}", m),
                          channels[m], anchors[m], kClasses, "head.shape.scores"));
  }
  set_attr(b.add_node("Concat", "head.boxes", boxes, {"boxes"}), "axis", std::int64_t{1});
  set_attr(b.add_node("Concat", "head.scores", scores, {"scores"}), "axis", std::int64_t{1});
  b.add_output("boxes", {o.batch, 8732, 4});
  b.add_output("scores", {o.batch, 8732, kClasses});
  return b.finish(fmt::format(
      "SSD300 VGG16 (torchvision ssd300_vgg16, 21 classes), raw head outputs, inferlab zoo, "
      "seed {}",
      o.seed));
}

}  // namespace inferlab::zoo
