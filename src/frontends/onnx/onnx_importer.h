#pragma once
#include <memory>
#include <string>

#include "ir/graph.h"

namespace inferlab {

// Reads an ONNX model file (opsets 7..17, external data relative to the file's folder) into a
// Graph: initializers and Constant nodes become constant values, graph inputs keep their declared
// dtype and (possibly dynamic) shape, nodes are topologically sorted and named.
// Throws Error naming the file and the problem for anything malformed.
std::shared_ptr<Graph> import_onnx(const std::string& path);

}  // namespace inferlab
