#pragma once
#include <memory>
#include <string>

#include "ir/graph.h"

namespace inferlab {

// Reads a Caffe model: the net description `prototxt` (protobuf text; the old V1 `layers` and
// the current `layer` format) and the trained blobs of `weights` (a binary .caffemodel, layers
// matched by name). An empty `weights` means the .caffemodel beside the prototxt
// (caffe_weights_beside). The result is the same ONNX-style IR the ONNX importer produces.
// Throws Error naming the file, line/column or layer for anything malformed, and Unsupported
// listing every unsupported layer type (with its first layer) at once.
std::shared_ptr<Graph> import_caffe(const std::string& prototxt, const std::string& weights = "");

// The weights file that goes with `prototxt` when none is given: DIR/STEM.caffemodel, else the
// only DIR/STEM*.caffemodel (e.g. lenet_iter_10000.caffemodel for lenet.prototxt); "" if none.
std::string caffe_weights_beside(const std::string& prototxt);

}  // namespace inferlab
