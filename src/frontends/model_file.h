#pragma once
// The one place that opens a model file: the format is chosen by the file's extension, so every
// command (run, check, bench, compare, accuracy) and backend accepts every format.
#include <memory>
#include <string>

#include "ir/graph.h"

namespace inferlab {

enum class ModelFormat { onnx, caffe, openvino };

// .onnx -> onnx, .prototxt -> caffe, .xml -> openvino; Error naming the file otherwise.
ModelFormat model_format(const std::string& path);

// Reads `path` in its format. `weights` is the separate weights file of formats that have one
// (Caffe .caffemodel, OpenVINO .bin); empty means the file beside the model. ONNX takes none.
std::shared_ptr<Graph> read_model_file(const std::string& path, const std::string& weights = "");

}  // namespace inferlab
