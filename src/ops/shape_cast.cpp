// Shape (folded during inference: the input's shape is static), Cast, Constant.
#include <algorithm>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer_shape(const Node& n, const std::vector<const Value*>& in,
                 const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  const Shape& s = in[0]->shape;
  const auto rank = static_cast<std::int64_t>(s.size());
  std::int64_t start = n.attrs.get_int("start", 0), end = n.attrs.get_int("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<std::int64_t>(start, 0, rank);
  end = std::clamp<std::int64_t>(end, start, rank);
  Tensor t(DType::i64, {end - start});
  for (std::int64_t i = start; i < end; ++i) t.data<std::int64_t>()[i - start] = s[i];
  ops::set_output(out[0], DType::i64, t.shape());
  out[0]->constant = t;
}

void run_shape(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  // Reached only when a runtime graph keeps a Shape node; recompute from the tensor.
  const auto rank = static_cast<std::int64_t>(in[0].rank());
  std::int64_t start = n.attrs.get_int("start", 0);
  if (start < 0) start += rank;
  start = std::clamp<std::int64_t>(start, 0, rank);
  for (std::int64_t i = 0; i < out[0].numel(); ++i)
    out[0].data<std::int64_t>()[i] = in[0].shape()[start + i];
}

DType cast_target(const Node& n) {
  const auto to = static_cast<int>(n.attrs.get_int("to"));
  switch (to) {  // ONNX TensorProto::DataType values
    case 1:
      return DType::f32;
    case 2:
      return DType::u8;
    case 3:
      return DType::i8;
    case 6:
      return DType::i32;
    case 7:
      return DType::i64;
    case 9:
      return DType::boolean;
    case 10:
      return DType::f16;
    case 16:
      return DType::bf16;
    default:
      break;
  }
  unsupported("cast to ONNX type {} is not supported", to);
}

void infer_cast(const Node& n, const std::vector<const Value*>& in,
                const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::set_output(out[0], cast_target(n), in[0]->shape);
}

void run_cast(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Tensor c = in[0].cast(out[0].dtype());
  if (c.nbytes()) std::memcpy(out[0].raw(), c.raw(), c.nbytes());
}

// Constant nodes are turned into constant values by the importer; this schema covers graphs
// built programmatically. Exactly one of the value attributes gives the tensor.
Tensor constant_value(const Node& n) {
  const auto& a = n.attrs;
  if (a.all().size() != 1) fail("needs exactly one value attribute, has {}", a.all().size());
  if (a.has("value")) return a.get_tensor("value");
  if (a.has("value_float")) {
    Tensor t(DType::f32, {});
    t.data<float>()[0] = a.get_float("value_float");
    return t;
  }
  if (a.has("value_floats")) {
    const auto v = a.get_floats("value_floats");
    Tensor t(DType::f32, {static_cast<std::int64_t>(v.size())});
    std::copy(v.begin(), v.end(), t.data<float>());
    return t;
  }
  if (a.has("value_int")) {
    Tensor t(DType::i64, {});
    t.data<std::int64_t>()[0] = a.get_int("value_int");
    return t;
  }
  if (a.has("value_ints")) {
    const auto v = a.get_ints("value_ints");
    Tensor t(DType::i64, {static_cast<std::int64_t>(v.size())});
    std::copy(v.begin(), v.end(), t.data<std::int64_t>());
    return t;
  }
  // value_string(s) (no string tensors) and sparse_value.
  unsupported("value attribute '{}' is not supported", a.all().begin()->first);
}

void infer_constant(const Node& n, const std::vector<const Value*>& in,
                    const std::vector<Value*>& out) {
  if (!in.empty()) fail("takes no inputs");
  const Tensor t = constant_value(n);
  ops::set_output(out[0], t.dtype(), t.shape());
  out[0]->constant = t;
}

void run_constant(const Node& n, const std::vector<Tensor>&, std::vector<Tensor>& out) {
  const Tensor t = constant_value(n);
  if (t.nbytes()) std::memcpy(out[0].raw(), t.raw(), t.nbytes());
}

}  // namespace
INFERLAB_REGISTER_OP({"Shape", infer_shape, run_shape});
INFERLAB_REGISTER_OP({"Cast", infer_cast, run_cast});
INFERLAB_REGISTER_OP({"Constant", infer_constant, run_constant, true, {}, {0, 0}});
}  // namespace inferlab
