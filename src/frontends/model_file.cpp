#include "frontends/model_file.h"

#include <filesystem>

#include "frontends/caffe/caffe_importer.h"
#include "frontends/onnx/onnx_importer.h"
#include "frontends/openvino/ir_importer.h"

namespace inferlab {

ModelFormat model_format(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".onnx") return ModelFormat::onnx;
  if (ext == ".prototxt") return ModelFormat::caffe;
  if (ext == ".xml") return ModelFormat::openvino;
  fail(
      "{}: unknown model format '{}' (known: .onnx, .prototxt with .caffemodel weights, "
      ".xml with .bin weights)",
      path, ext);
}

namespace {
std::shared_ptr<Graph> import_file(const std::string& path, const std::string& weights) {
  switch (model_format(path)) {
    case ModelFormat::onnx:
      if (!weights.empty()) fail("{}: an ONNX model takes no separate weights file", path);
      return import_onnx(path);
    case ModelFormat::caffe:
      return import_caffe(path, weights);
    case ModelFormat::openvino:
      return import_openvino(path, weights);
  }
  fail("{}: unknown model format", path);
}
}  // namespace

std::shared_ptr<Graph> read_model_file(const std::string& path, const std::string& weights) {
  try {
    return import_file(path, weights);
  } catch (const Error& e) {
    // The importers' checks use plain fail(): what they reject is the file's content. Files
    // that cannot be read say io, unsupported operations keep their code.
    rethrow_as(e, ErrorCode::invalid_model);
  }
}

}  // namespace inferlab
