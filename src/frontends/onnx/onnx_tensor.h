#pragma once
// TensorProto <-> Tensor. Shared by the importer, tensor files and the zoo.
#include <onnx/onnx_pb.h>

#include <string>

#include "ir/tensor.h"

namespace inferlab {

// Maps an ONNX TensorProto data type to a DType; DOUBLE maps to f32 (converted on read).
// Throws Unsupported for types inferlab has no counterpart for (string, complex, uint16, ...).
DType dtype_from_onnx(int onnx_type, const std::string& what);
int dtype_to_onnx(DType t);

// Converts a TensorProto. `base_dir` resolves external data (data_location EXTERNAL); locations
// must stay inside it. `what` names the tensor in errors (e.g. "initializer 'conv1.weight'").
// Sizes are validated before anything is allocated.
Tensor tensor_from_onnx(const onnx::TensorProto& p, const std::string& base_dir,
                        const std::string& what);
onnx::TensorProto tensor_to_onnx(const Tensor& t, const std::string& name);

}  // namespace inferlab
