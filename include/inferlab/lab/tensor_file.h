#pragma once
// Tensors as files: ONNX TensorProto (.pb) and NumPy (.npy, little-endian, C order).
#include <string>

#include "inferlab/tensor.h"

namespace inferlab {

// Reads a .pb (TensorProto) or .npy file, chosen by extension (DOUBLE / float64 become f32). Throws
// Error naming the file when it is unreadable, not a tensor, or its declared size does not match
// its data.
Tensor read_tensor_file(const std::string& path, std::string* name = nullptr);
// Writes a TensorProto file; `name` is stored in the proto.
void write_tensor_pb(const std::string& path, const Tensor& t, const std::string& name);
// Writes a .npy file.
void write_tensor_npy(const std::string& path, const Tensor& t);

}  // namespace inferlab
