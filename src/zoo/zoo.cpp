#include "zoo/zoo.h"

#include <atomic>
#include <filesystem>

#include <unistd.h>

#include "frontends/onnx/onnx_importer.h"
#include "inferlab/lab/output_file.h"
#include "ir/error.h"

namespace inferlab::zoo {

const std::vector<ZooEntry>& zoo_models() {
  static const std::vector<ZooEntry> models = {
      {"resnet50", "ResNet-50 v1.5 (torchvision), input [N,3,224,224], output logits [N,1000]",
       build_resnet50},
      {"ssd300",
       "SSD300 VGG16 (torchvision ssd300_vgg16, 21 classes), input [N,3,300,300], outputs boxes "
       "[N,8732,4] and scores [N,8732,21]",
       build_ssd300},
      {"mobilenet_v2", "MobileNetV2 1.0 (torchvision), input [N,3,224,224], output logits [N,1000]",
       build_mobilenet_v2},
  };
  return models;
}

onnx::ModelProto build_model(const std::string& name, const ZooOptions& options) {
  if (options.batch < 1) fail("zoo: batch must be at least 1 (got {})", options.batch);
  std::string names;
  for (const auto& m : zoo_models()) {
    if (m.name == name) return m.build(options);
    names += (names.empty() ? "" : ", ") + m.name;
  }
  fail("zoo: unknown model '{}' (available: {})", name, names);
}

void save_model(const onnx::ModelProto& model, const std::string& path) {
  std::string bytes;
  if (!model.SerializeToString(&bytes)) fail("{}: serializing the model failed", path);
  write_file_atomically(path, bytes, "model file");
}

std::shared_ptr<Graph> import_model(const onnx::ModelProto& model) {
  namespace fs = std::filesystem;
  static std::atomic<int> counter{0};
  const fs::path path =
      fs::temp_directory_path() / fmt::format("inferlab-zoo-{}-{}.onnx", ::getpid(), counter++);
  // Removed however the import ends.
  struct Remove {
    fs::path p;
    ~Remove() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } remove{path};
  save_model(model, path.string());
  return import_onnx(path.string());
}

}  // namespace inferlab::zoo
