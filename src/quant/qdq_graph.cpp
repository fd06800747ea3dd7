// The QDQ form of a plan in the IR: constant int8 weights behind DequantizeLinear (per axis), and
// a QuantizeLinear -> DequantizeLinear pair after each quantized activation whose consumers then
// read the dequantized copy, exactly as in the ONNX file write_qdq_onnx writes.
#include "quant/plan.h"

namespace inferlab::quant {
namespace {

class Builder {
 public:
  explicit Builder(Graph& g) : g_(g) {}

  std::string fresh(const std::string& base) {
    std::string n = base;
    for (int k = 1; g_.has_value(n) || taken_.count(n); ++k) n = fmt::format("{}_{}", base, k);
    taken_.insert(n);
    return n;
  }
  std::string constant(const std::string& base, Tensor t) {
    const std::string n = fresh(base);
    Value& v = g_.add_value(n);
    v.dtype = t.dtype();
    v.shape = t.shape();
    v.known = true;
    v.constant = std::move(t);
    return n;
  }
  std::string node(const std::string& op, const std::vector<std::string>& in,
                   const std::string& out_base, std::int64_t axis) {
    Node n;
    n.op_type = op;
    n.opset = 13;
    n.name = fresh(out_base + "_" + op);
    n.inputs = in;
    const std::string out = fresh(out_base);
    g_.add_value(out);
    n.outputs = {out};
    n.fused_from = {n.name};
    if (axis >= 0) n.attrs.set("axis", axis);
    g_.nodes.push_back(std::move(n));
    return out;
  }

 private:
  Graph& g_;
  std::set<std::string> taken_;
};

Tensor vector_of(const std::vector<float>& v) {
  Tensor t(DType::f32, {static_cast<std::int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

void rewire(Graph& g, const std::string& from, const std::string& to, std::size_t skip) {
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (i == skip) continue;
    for (auto& in : g.nodes[i].inputs)
      if (in == from) in = to;
  }
}

}  // namespace

std::shared_ptr<Graph> apply_plan_named(const Graph& fp32, const QuantPlan& plan,
                                        std::map<std::string, std::string>* dequantized) {
  auto g = std::make_shared<Graph>(fp32);
  Builder b(*g);
  for (const auto& w : plan.weights) {
    const auto M = static_cast<std::int64_t>(w.scale.size());
    const std::string q = b.constant(w.weight + "_quantized", w.q);
    const std::string s = b.constant(w.weight + "_scale", vector_of(w.scale));
    const std::string z = b.constant(w.weight + "_zero_point", Tensor(DType::i8, {M}));
    const std::string dq = b.node("DequantizeLinear", {q, s, z}, w.weight + "_dequantized", w.axis);
    std::string bdq;
    if (!w.bias.empty()) {
      const std::string bq = b.constant(w.bias + "_quantized", w.bias_q);
      const std::string bs = b.constant(w.bias + "_scale", vector_of(w.bias_scale));
      const std::string bz = b.constant(w.bias + "_zero_point", Tensor(DType::i32, {M}));
      bdq = b.node("DequantizeLinear", {bq, bs, bz}, w.bias + "_dequantized", 0);
    }
    for (auto& n : g->nodes) {
      if (n.name != w.node) continue;
      n.inputs[1] = dq;
      if (!bdq.empty()) n.inputs[2] = bdq;
    }
  }
  for (const auto& a : plan.activations) {
    Tensor scale(DType::f32, {});
    scale.data<float>()[0] = a.scale;
    const std::string s = b.constant(a.tensor + "_scale", scale);
    Tensor zp(a.type, {});
    if (a.type == DType::u8) {
      zp.data<std::uint8_t>()[0] = static_cast<std::uint8_t>(a.zero_point);
    } else {
      zp.data<std::int8_t>()[0] = static_cast<std::int8_t>(a.zero_point);
    }
    const std::string z = b.constant(a.tensor + "_zero_point", zp);
    const std::string q = b.node("QuantizeLinear", {a.tensor, s, z}, a.tensor + "_quantized", -1);
    const std::size_t q_index = g->nodes.size() - 1;
    const std::string dq = b.node("DequantizeLinear", {q, s, z}, a.tensor + "_dequantized", -1);
    rewire(*g, a.tensor, dq, q_index);
    if (dequantized) (*dequantized)[a.tensor] = dq;
  }
  g->topo_sort();
  return g;
}

std::shared_ptr<Graph> apply_plan(const Graph& fp32, const QuantPlan& plan) {
  return apply_plan_named(fp32, plan, nullptr);
}

}  // namespace inferlab::quant
