#pragma once
// Builds small ONNX models with the protobuf API, so tests can write well-formed and deliberately
// malformed models (cycles, dangling names, bad dims) without any external tool.
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace inferlab::test {

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Dimension value kDyn writes a dim_param ("N") instead of a dim_value.
inline constexpr std::int64_t kDyn = -12345;

class ModelBuilder {
 public:
  explicit ModelBuilder(int opset = 13) {
    m_.set_ir_version(8);
    m_.set_producer_name("inferlab-test");
    auto* o = m_.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    m_.mutable_graph()->set_name("test");
  }

  onnx::ModelProto& proto() { return m_; }
  onnx::GraphProto& graph() { return *m_.mutable_graph(); }

  ModelBuilder& input(const std::string& name, std::vector<std::int64_t> dims,
                      int elem = onnx::TensorProto::FLOAT) {
    fill(graph().add_input(), name, dims, elem);
    return *this;
  }
  ModelBuilder& output(const std::string& name, std::vector<std::int64_t> dims = {},
                       int elem = onnx::TensorProto::FLOAT) {
    fill(graph().add_output(), name, dims, elem);
    return *this;
  }
  onnx::NodeProto& node(const std::string& op, std::vector<std::string> in,
                        std::vector<std::string> out, const std::string& name = "") {
    auto* n = graph().add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (auto& s : in) n->add_input(s);
    for (auto& s : out) n->add_output(s);
    return *n;
  }
  onnx::TensorProto& initializer(const std::string& name, std::vector<std::int64_t> dims,
                                 std::vector<float> values) {
    auto* t = graph().add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (auto d : dims) t->add_dims(d);
    for (auto v : values) t->add_float_data(v);
    return *t;
  }
  void save(const std::string& path) const {
    std::ofstream out(path, std::ios::binary);
    m_.SerializeToOstream(&out);
  }
  std::string bytes() const { return m_.SerializeAsString(); }

 private:
  static void fill(onnx::ValueInfoProto* vi, const std::string& name,
                   const std::vector<std::int64_t>& dims, int elem) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem);
    auto* shape = tt->mutable_shape();
    for (auto d : dims) {
      auto* dim = shape->add_dim();
      if (d == kDyn) {
        dim->set_dim_param("N");
      } else {
        dim->set_dim_value(d);
      }
    }
  }
  onnx::ModelProto m_;
};

// x [1,4] -> Relu -> y [1,4]: the smallest valid model.
inline ModelBuilder relu_model(std::vector<std::int64_t> dims = {1, 4}) {
  ModelBuilder b;
  b.input("x", dims).output("y", dims);
  b.node("Relu", {"x"}, {"y"}, "relu");
  return b;
}

// x [N,4] -> Gemm(W [3,4], transB) + b -> Relu -> y [N,3]: a tiny classifier with initializers.
inline ModelBuilder gemm_model() {
  ModelBuilder b;
  b.input("x", {kDyn, 4}).output("y", {kDyn, 3});
  b.initializer("W", {3, 4}, {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1});
  b.initializer("B", {3}, {0.5f, -0.5f, 0});
  auto& g = b.node("Gemm", {"x", "W", "B"}, {"h"}, "fc");
  auto* a = g.add_attribute();
  a->set_name("transB");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(1);
  b.node("Relu", {"h"}, {"y"}, "act");
  return b;
}

}  // namespace inferlab::test
