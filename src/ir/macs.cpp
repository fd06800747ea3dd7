#include "ir/macs.h"

#include <string>

namespace inferlab {

namespace {

// The MAC-carrying ops: which inputs hold the data (A) and the weights (B). Quantized forms
// count like their float counterparts.
enum class MacKind { none, conv, conv_transpose, gemm, matmul };
struct MacOp {
  MacKind kind = MacKind::none;
  std::size_t a = 0, b = 1;
};

MacOp mac_op(const Node& n) {
  const std::string& op = n.op_type;
  if (op == "Conv" || op == "ConvInteger") return {MacKind::conv, 0, 1};
  if (op == "QLinearConv" || op == "QLinearConvSum") return {MacKind::conv, 0, 3};
  if (op == "ConvTranspose") return {MacKind::conv_transpose, 0, 1};
  if (op == "Gemm") return {MacKind::gemm, 0, 1};
  if (op == "MatMul" || op == "MatMulInteger") return {MacKind::matmul, 0, 1};
  if (op == "QLinearMatMul") return {MacKind::matmul, 0, 3};
  return {};
}

const Shape* static_shape(const Graph& g, const Node& n, std::size_t i, bool output) {
  if (output ? (n.outputs.empty() || n.outputs[0].empty()) : !n.has_input(i)) return nullptr;
  const Value& v = g.value(output ? n.outputs[0] : n.inputs[i]);
  return v.known && shape_is_static(v.shape) ? &v.shape : nullptr;
}

std::int64_t product(const Shape& s, std::size_t from) {
  std::int64_t p = 1;
  for (std::size_t d = from; d < s.size(); ++d) p *= s[d];
  return p;
}

}  // namespace

bool counts_macs(const Node& n) {
  return mac_op(n).kind != MacKind::none;
}

std::optional<std::int64_t> node_macs(const Graph& g, const Node& n) {
  const MacOp m = mac_op(n);
  if (m.kind == MacKind::none) return 0;
  const Shape* a = static_shape(g, n, m.a, false);
  const Shape* b = static_shape(g, n, m.b, false);
  const Shape* y = static_shape(g, n, 0, true);
  if (!a || !b || !y) return std::nullopt;
  switch (m.kind) {
    case MacKind::conv:
      return shape_numel(*y) * product(*b, 1);
    case MacKind::conv_transpose:
      return shape_numel(*a) * product(*b, 1);
    case MacKind::gemm:
      if (a->size() != 2) return std::nullopt;
      return shape_numel(*y) * (n.attrs.get_int("transA", 0) ? (*a)[0] : (*a)[1]);
    case MacKind::matmul:
      return shape_numel(*y) * (a->empty() ? 1 : a->back());
    case MacKind::none:
      break;
  }
  return 0;
}

double graph_macs(const Graph& g) {
  double macs = 0;
  for (const Node& n : g.nodes) macs += static_cast<double>(node_macs(g, n).value_or(0));
  return macs;
}

}  // namespace inferlab
