#pragma once
// The model zoo for the lab's commands: standard ONNX files (opset 13) of well-known CNNs with
// deterministic pseudo-random weights, written to a file or read back as a Model. The builders
// (ONNX protobuf) stay in src/zoo/zoo.h.
#include <cstdint>
#include <string>
#include <vector>

#include "inferlab/model.h"

namespace inferlab::zoo {

struct ZooOptions {
  std::int64_t batch = 1;  // fixed batch dimension of the input
  std::uint64_t seed = 0;  // weights are a pure function of (model, seed)
};

struct ZooModelInfo {
  std::string name, description;
};

// The zoo's models, in listing order.
std::vector<ZooModelInfo> zoo_catalog();
bool is_zoo_model(const std::string& name);
// Throws Error naming the known models when `name` is not one of them.
void check_zoo_model(const std::string& name);

// Writes zoo model `name` to `path` (Error naming the file when it cannot be written).
// `symbolic_batch` replaces the fixed batch dimension of inputs and outputs by "N", so that
// every backend (peers included, which cannot override a fixed batch) runs any batch from one
// file.
void write_zoo_model(const std::string& name, const ZooOptions& options, const std::string& path,
                     bool symbolic_batch = false);

// The zoo model as inferlab reads it (the ONNX importer on the written file).
Model zoo_model(const std::string& name, const ZooOptions& options);

}  // namespace inferlab::zoo
