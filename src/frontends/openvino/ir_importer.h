#pragma once
#include <memory>
#include <string>

#include "ir/graph.h"

namespace inferlab {

// Reads an OpenVINO IR (v10/v11): the graph from `xml` (pugixml), the constants from `bin` by
// offset and size (default: the .bin beside the .xml). Operations map onto the same ONNX-style
// ops the ONNX importer produces. Throws Error naming the file, layer and field for anything
// malformed, and Unsupported listing every unsupported operation type at once.
std::shared_ptr<Graph> import_openvino(const std::string& xml, const std::string& bin = "");

}  // namespace inferlab
