#pragma once
// The model zoo: standard ONNX files (opset 13) of well-known CNNs with deterministic
// pseudo-random weights, for benchmarking and testing without downloads. Architectures match
// torchvision's definitions exactly (parameter and MAC counts are checked in tests/zoo).
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "inferlab/lab/zoo.h"
#include "ir/graph.h"

namespace inferlab::zoo {

struct ZooEntry {
  std::string name;
  std::string description;
  onnx::ModelProto (*build)(const ZooOptions&);
};

const std::vector<ZooEntry>& zoo_models();
// Throws Error naming the known models when `name` is unknown, or on a batch < 1.
onnx::ModelProto build_model(const std::string& name, const ZooOptions& options);

// Writes with SerializeToOstream; throws Error naming the file when it cannot be written.
void save_model(const onnx::ModelProto& model, const std::string& path);

// The zoo model as an inferlab Graph, by way of the ONNX importer (through a temporary file, so
// the graph is exactly what reading the written file gives).
std::shared_ptr<Graph> import_model(const onnx::ModelProto& model);

// Architecture builders.
onnx::ModelProto build_resnet50(const ZooOptions& o);
onnx::ModelProto build_ssd300(const ZooOptions& o);
onnx::ModelProto build_mobilenet_v2(const ZooOptions& o);

}  // namespace inferlab::zoo
