#include "opencv_compat.h"

#include "int_folding.h"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>

namespace inferlab::opencv_worker {
namespace {

// A float scalar from a constant tensor, or false when it is not one.
bool scalar_of(const onnx::TensorProto& t, float* v) {
  if (t.data_type() != onnx::TensorProto::FLOAT) return false;
  std::int64_t n = 1;
  for (auto d : t.dims()) n *= d;
  if (n != 1) return false;
  if (t.float_data_size() == 1) {
    *v = t.float_data(0);
    return true;
  }
  if (t.raw_data().size() != sizeof(float)) return false;
  std::memcpy(v, t.raw_data().data(), sizeof(float));
  return true;
}

}  // namespace

std::vector<std::uint8_t> opencv_compatible_model(const std::string& path, int* rewritten) {
  onnx::ModelProto m;
  std::ifstream f(path, std::ios::binary);
  if (!f || !m.ParseFromIstream(&f)) throw std::runtime_error("cannot read ONNX model " + path);
  std::map<std::string, const onnx::TensorProto*> consts;
  for (const auto& t : m.graph().initializer()) consts[t.name()] = &t;
  for (const auto& n : m.graph().node())
    if (n.op_type() == "Constant" && n.output_size() == 1)
      for (const auto& a : n.attribute())
        if (a.name() == "value" && a.has_t()) consts[n.output(0)] = &a.t();
  *rewritten = 0;
  for (auto& n : *m.mutable_graph()->mutable_node()) {
    if (n.op_type() != "Clip" || n.input_size() < 2) continue;
    float bounds[2];
    bool constant = true, present[2] = {false, false};
    for (int i = 1; i < n.input_size() && i < 3; ++i) {
      if (n.input(i).empty()) continue;
      auto it = consts.find(n.input(i));
      present[i - 1] = constant =
          constant && it != consts.end() && scalar_of(*it->second, &bounds[i - 1]);
    }
    if (!constant) continue;  // OpenCV will report it
    for (int i = 0; i < 2; ++i) {
      if (!present[i]) continue;
      auto* a = n.add_attribute();
      a->set_name(i == 0 ? "min" : "max");
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(bounds[i]);
    }
    while (n.input_size() > 1) n.mutable_input()->RemoveLast();
    ++*rewritten;
  }
  *rewritten += fold_integer_inputs(m, "Pad", 1);
  // OpenCV reads a third Pad input whenever there are three, even when it is the empty name of
  // an absent optional input.
  for (auto& n : *m.mutable_graph()->mutable_node())
    if (n.op_type() == "Pad" && n.input_size() == 3 && n.input(2).empty()) {
      n.mutable_input()->RemoveLast();
      ++*rewritten;
    }
  std::string bytes;
  m.SerializeToString(&bytes);
  return {bytes.begin(), bytes.end()};
}

}  // namespace inferlab::opencv_worker
