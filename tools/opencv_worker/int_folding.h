#pragma once
// Folds integer shape arithmetic (Constant, ConstantOfShape, Concat, Reshape, Slice, Transpose,
// Cast, Squeeze/Unsqueeze over int64/int32 constants) into initializers, for the inputs OpenCV
// 4.6's ONNX importer needs as constants but cannot fold itself (e.g. Pad's pads in CIFAR
// ResNet-20's option-A shortcut). Nodes left without consumers are removed.
#include <onnx/onnx_pb.h>

namespace inferlab::opencv_worker {

// Replaces input `input` of every `op_type` node by a folded initializer when it can be
// computed from constants; returns how many inputs were replaced.
int fold_integer_inputs(onnx::ModelProto& m, const std::string& op_type, int input);

}  // namespace inferlab::opencv_worker
