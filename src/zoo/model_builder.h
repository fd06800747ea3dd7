#pragma once
// A small helper for writing ONNX models layer by layer with the protobuf API: initializers with
// deterministic pseudo-random values (raw_data, little-endian float32), nodes named after
// torchvision's module paths, and the common CNN layers (conv, batch norm, activations).
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "zoo/weights.h"

namespace inferlab::zoo {

inline constexpr int kZooOpset = 13;
inline constexpr int kZooIrVersion = 7;  // the IR version that goes with opset 13 (ONNX 1.8)

struct ConvSpec {
  std::int64_t in = 0, out = 0;
  std::int64_t kernel = 1, stride = 1, pad = 0, dilation = 1, group = 1;
  bool bias = false;
};

// Running statistics and affine parameters of a BatchNormalization: gamma is drawn from
// [gamma_lo, gamma_hi]; mean, variance and beta stay close to (0, 1, 0) so that He-normal convs
// keep activations near unit scale through the depth.
struct BnInit {
  double gamma_lo = 0.8, gamma_hi = 1.2;
};

// The last BN of a residual branch starts small (as with torchvision's zero_init_residual, but
// not zero, so the branch still matters): the residual stream then grows by a factor of about
// 1 + 0.25^2 per block instead of doubling, and the logits stay in a sane range.
inline constexpr BnInit kResidualBn{0.2, 0.3};

class ModelBuilder {
 public:
  ModelBuilder(const std::string& graph_name, std::uint64_t seed);

  void add_input(const std::string& name, const std::vector<std::int64_t>& shape);
  void add_output(const std::string& name, const std::vector<std::int64_t>& shape);

  // Float initializer whose element i is gen(rng) in order; returns its name.
  std::string add_weight(const std::string& name, const std::vector<std::int64_t>& shape,
                         const std::function<float(WeightRng&)>& gen);
  std::string add_floats(const std::string& name, const std::vector<std::int64_t>& shape,
                         const std::vector<float>& values);
  std::string add_int64s(const std::string& name, const std::vector<std::int64_t>& values);

  // Adds a node whose single output value is named like the node; returns the node so the
  // caller can add attributes (valid until the next node is added).
  onnx::NodeProto& add_node(const std::string& op_type, const std::string& name,
                            const std::vector<std::string>& inputs);
  onnx::NodeProto& add_node(const std::string& op_type, const std::string& name,
                            const std::vector<std::string>& inputs,
                            const std::vector<std::string>& outputs);

  // Layers; each returns the name of its output value. Weight names follow torchvision
  // ("<prefix>.weight", "<prefix>.bias", "<prefix>.running_mean", ...).
  std::string conv(const std::string& x, const std::string& prefix, const ConvSpec& s);
  std::string batchnorm(const std::string& x, const std::string& prefix, std::int64_t channels,
                        const BnInit& init = {});
  std::string relu(const std::string& x, const std::string& name);
  std::string relu6(const std::string& x, const std::string& name);  // Clip(0, 6)
  std::string add(const std::string& a, const std::string& b, const std::string& name);
  std::string max_pool(const std::string& x, const std::string& name, std::int64_t kernel,
                       std::int64_t stride, std::int64_t pad, bool ceil_mode = false);
  // GlobalAveragePool + Flatten + Gemm (weight [out, in], transB=1), as torchvision exports;
  // the Gemm writes the value `output`.
  std::string classifier(const std::string& x, const std::string& prefix, std::int64_t in,
                         std::int64_t out, const std::string& output);

  onnx::ModelProto finish(const std::string& doc);

 private:
  onnx::TensorProto& new_initializer(const std::string& name,
                                     const std::vector<std::int64_t>& shape, int data_type);

  onnx::ModelProto model_;
  onnx::GraphProto* graph_;
  std::uint64_t seed_;
  std::set<std::string> names_;  // values defined so far: a duplicate is a builder bug
  void define(const std::string& name);
};

void set_attr(onnx::NodeProto& n, const std::string& name, std::int64_t v);
void set_attr(onnx::NodeProto& n, const std::string& name, float v);
void set_attr(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v);

}  // namespace inferlab::zoo
