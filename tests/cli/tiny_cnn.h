#pragma once
// The tiny CNN the quantization CLI tests run: 3x32x32 input, one 3x3 conv with ReLU, a
// classifier of `classes` outputs ("logits"). Seeded weights; written as ONNX to `path`.
#include <string>

#include "zoo/model_builder.h"
#include "zoo/zoo.h"

namespace inferlab::test {

inline void write_tiny_cnn(const std::string& path, int classes) {
  zoo::ModelBuilder b("tiny", 3);
  b.add_input("x", {1, 3, 32, 32});
  const auto c = b.conv("x", "conv1", {3, 4, 3, 1, 1, 1, 1, true});
  b.classifier(b.relu(c, "relu1"), "fc", 4, classes, "logits");
  b.add_output("logits", {1, classes});
  zoo::save_model(b.finish("tiny cnn (cli tests)"), path);
}

}  // namespace inferlab::test
