#pragma once
// Tiny ONNX models written with the protobuf API: for the harness overhead check and tests.
#include <string>

#include "inferlab/shape.h"

namespace inferlab::backends {

// y = a + b, float tensors of `shape` (inputs "a", "b", output "y"), opset 13; `op` another
// binary operator in place of Add (tests of conversions that lack one).
void write_add_model(const std::string& path, const Shape& shape, const std::string& op = "Add");

}  // namespace inferlab::backends
