#include "inferlab/lab/tiny_model.h"

#include <onnx/onnx_pb.h>

#include "inferlab/lab/output_file.h"
#include "ir/error.h"

namespace inferlab::backends {

void write_add_model(const std::string& path, const Shape& shape, const std::string& op) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name(std::string("inferlab"));
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name(std::string("add"));
  auto port = [&](onnx::ValueInfoProto* v, const std::string& name) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (auto d : shape) t->mutable_shape()->add_dim()->set_dim_value(d);
  };
  port(g->add_input(), "a");
  port(g->add_input(), "b");
  port(g->add_output(), "y");
  onnx::NodeProto* n = g->add_node();
  n->set_name(std::string("add0"));
  n->set_op_type(op);
  n->add_input(std::string("a"));
  n->add_input(std::string("b"));
  n->add_output(std::string("y"));
  std::string bytes;
  if (!m.SerializeToString(&bytes)) fail("cannot serialise model {}", path);
  write_file_atomically(path, bytes, "model file");
}

}  // namespace inferlab::backends
