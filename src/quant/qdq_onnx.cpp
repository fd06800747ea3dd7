#include "quant/qdq_onnx.h"

#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "passes/shape_inference.h"

namespace inferlab::quant {
namespace {

int onnx_type(DType t) {
  switch (t) {
    case DType::f32:
      return onnx::TensorProto::FLOAT;
    case DType::u8:
      return onnx::TensorProto::UINT8;
    case DType::i8:
      return onnx::TensorProto::INT8;
    case DType::i32:
      return onnx::TensorProto::INT32;
    default:
      fail("cannot write a {} tensor", dtype_name(t));
  }
}

class Writer {
 public:
  explicit Writer(onnx::ModelProto& m) : g_(*m.mutable_graph()) {
    for (const auto& i : g_.initializer()) names_.insert(i.name());
    for (const auto& i : g_.input()) names_.insert(i.name());
    for (const auto& n : g_.node())
      for (const auto& o : n.output()) names_.insert(o);
  }

  std::string fresh(const std::string& base) {
    std::string n = base;
    for (int k = 1; names_.count(n); ++k) n = fmt::format("{}_{}", base, k);
    names_.insert(n);
    return n;
  }
  std::string initializer(const std::string& base, const Tensor& t) {
    auto* p = g_.add_initializer();
    p->set_name(fresh(base));
    p->set_data_type(onnx_type(t.dtype()));
    for (auto d : t.shape()) p->add_dims(d);
    p->set_raw_data(std::string(static_cast<const char*>(t.raw()), t.nbytes()));
    return p->name();
  }
  // A node (not yet placed): inputs -> one fresh output named after `base`.
  onnx::NodeProto node(const std::string& op, const std::vector<std::string>& in,
                       const std::string& base, std::int64_t axis) {
    onnx::NodeProto n;
    n.set_op_type(op);
    const std::string out = fresh(base);
    n.set_name(fresh(out + "_" + op));
    for (const auto& i : in) n.add_input(i);
    n.add_output(out);
    if (axis >= 0) {
      auto* a = n.add_attribute();
      a->set_name("axis");
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(axis);
    }
    return n;
  }

 private:
  onnx::GraphProto& g_;
  std::set<std::string> names_;
};

Tensor vec(const std::vector<float>& v) {
  Tensor t(DType::f32, {static_cast<std::int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

Tensor scalar_zp(DType type, std::int32_t zp) {
  Tensor t(type, {});
  if (type == DType::u8) {
    t.data<std::uint8_t>()[0] = static_cast<std::uint8_t>(zp);
  } else {
    t.data<std::int8_t>()[0] = static_cast<std::int8_t>(zp);
  }
  return t;
}

// Drops initializers, Constant nodes and graph-input entries in `names` that no node reads any
// more (the replaced f32 weights).
void drop_unused(onnx::GraphProto& g, const std::set<std::string>& names) {
  std::set<std::string> used;
  for (const auto& n : g.node())
    for (const auto& i : n.input()) used.insert(i);
  for (const auto& o : g.output()) used.insert(o.name());
  auto dead = [&](const std::string& n) { return names.count(n) && !used.count(n); };
  auto* inits = g.mutable_initializer();
  for (int i = inits->size() - 1; i >= 0; --i)
    if (dead(inits->Get(i).name())) inits->DeleteSubrange(i, 1);
  auto* inputs = g.mutable_input();
  for (int i = inputs->size() - 1; i >= 0; --i)
    if (dead(inputs->Get(i).name())) inputs->DeleteSubrange(i, 1);
  auto* nodes = g.mutable_node();
  for (int i = nodes->size() - 1; i >= 0; --i) {
    const auto& n = nodes->Get(i);
    if (n.op_type() == "Constant" && n.output_size() == 1 && dead(n.output(0)))
      nodes->DeleteSubrange(i, 1);
  }
}

void set_float_attribute(onnx::NodeProto& n, const std::string& name, float v) {
  for (auto& a : *n.mutable_attribute())
    if (a.name() == name) {
      a.set_f(v);
      return;
    }
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

// The BatchNormalizations the plan folded (WeightQuant::unfolded_output) are folded here too: the
// Conv / Gemm takes over the BN's output, its f32 weight and bias (replaced by the plan's, which
// include the BN) and the BN's statistics become unused, and the BN node goes.
void fold_planned_batchnorms(onnx::GraphProto& g, const QuantPlan& plan,
                             std::set<std::string>& replaced) {
  std::map<std::string, std::string> folded;  // node output before folding -> BN output
  for (const auto& q : plan.weights)
    if (!q.unfolded_output.empty()) folded[q.unfolded_output] = q.node_output;
  if (folded.empty()) return;
  std::set<std::string> bn_outputs;
  for (auto& n : *g.mutable_node()) {
    if (n.output_size() == 0) continue;
    auto it = folded.find(n.output(0));
    if (it == folded.end()) continue;
    for (int i = 1; i < n.input_size(); ++i) replaced.insert(n.input(i));
    n.set_output(0, it->second);
    if (n.input_size() == 2) n.add_input("");  // the folded bias is set by apply()
    if (n.op_type() == "Gemm") {               // alpha and beta are in the folded constants
      set_float_attribute(n, "alpha", 1.f);
      set_float_attribute(n, "beta", 1.f);
    }
    bn_outputs.insert(it->second);
  }
  auto* nodes = g.mutable_node();
  for (int i = nodes->size() - 1; i >= 0; --i) {
    const auto& n = nodes->Get(i);
    if (n.op_type() != "BatchNormalization" || n.output_size() == 0 ||
        !bn_outputs.count(n.output(0)))
      continue;
    for (int k = 1; k < n.input_size(); ++k) replaced.insert(n.input(k));
    nodes->DeleteSubrange(i, 1);
  }
}

void apply(onnx::ModelProto& m, const QuantPlan& plan) {
  Writer w(m);
  onnx::GraphProto& g = *m.mutable_graph();
  std::set<std::string> replaced;
  fold_planned_batchnorms(g, plan, replaced);
  std::vector<onnx::NodeProto> front;                         // weight DQs, graph-input QDQs
  std::map<std::string, std::vector<onnx::NodeProto>> after;  // tensor -> its Q, DQ
  std::map<std::string, std::string> weight_of, bias_of;      // node output -> new input
  for (const auto& q : plan.weights) {
    const auto M = static_cast<std::int64_t>(q.scale.size());
    const std::string wq = w.initializer(q.weight + "_quantized", q.q);
    const std::string ws = w.initializer(q.weight + "_scale", vec(q.scale));
    const std::string wz = w.initializer(q.weight + "_zero_point", Tensor(DType::i8, {M}));
    front.push_back(w.node("DequantizeLinear", {wq, ws, wz}, q.weight + "_dequantized", q.axis));
    weight_of[q.node_output] = front.back().output(0);
    replaced.insert(q.weight);
    if (q.bias.empty()) continue;
    const std::string bq = w.initializer(q.bias + "_quantized", q.bias_q);
    const std::string bs = w.initializer(q.bias + "_scale", vec(q.bias_scale));
    const std::string bz = w.initializer(q.bias + "_zero_point", Tensor(DType::i32, {M}));
    front.push_back(w.node("DequantizeLinear", {bq, bs, bz}, q.bias + "_dequantized", 0));
    bias_of[q.node_output] = front.back().output(0);
    replaced.insert(q.bias);
  }
  std::map<std::string, std::string> dequantized;
  std::set<std::string> graph_inputs;
  for (const auto& i : g.input()) graph_inputs.insert(i.name());
  for (const auto& a : plan.activations) {
    Tensor s(DType::f32, {});
    s.data<float>()[0] = a.scale;
    const std::string sn = w.initializer(a.tensor + "_scale", s);
    const std::string zn = w.initializer(a.tensor + "_zero_point", scalar_zp(a.type, a.zero_point));
    auto qn = w.node("QuantizeLinear", {a.tensor, sn, zn}, a.tensor + "_quantized", -1);
    auto dq = w.node("DequantizeLinear", {qn.output(0), sn, zn}, a.tensor + "_dequantized", -1);
    dequantized[a.tensor] = dq.output(0);
    auto& dst = graph_inputs.count(a.tensor) ? front : after[a.tensor];
    dst.push_back(qn);
    dst.push_back(dq);
  }
  // Rewire the original nodes, then lay the list out again in topological order.
  std::vector<onnx::NodeProto> nodes(front.begin(), front.end());
  for (const auto& orig : g.node()) {
    onnx::NodeProto n = orig;
    for (int i = 0; i < n.input_size(); ++i) {
      auto d = dequantized.find(n.input(i));
      if (d != dequantized.end()) n.set_input(i, d->second);
    }
    if (n.output_size() > 0) {
      if (auto it = weight_of.find(n.output(0)); it != weight_of.end()) n.set_input(1, it->second);
      if (auto it = bias_of.find(n.output(0)); it != bias_of.end()) n.set_input(2, it->second);
    }
    nodes.push_back(n);
    for (const auto& o : orig.output())
      if (auto it = after.find(o); it != after.end())
        nodes.insert(nodes.end(), it->second.begin(), it->second.end());
  }
  g.clear_node();
  for (auto& n : nodes) *g.add_node() = std::move(n);
  drop_unused(g, replaced);
}

}  // namespace

RankOf ranks_of(const Graph& g, const Shape& input) {
  auto copy = std::make_shared<Graph>(g);
  Shape s = input;  // one calibration image; a batch fixed in the model stays (ranks ignore it)
  const Shape& fixed = g.value(g.inputs.at(0)).shape;
  if (!s.empty() && fixed.size() == s.size() && fixed[0] > 0) s[0] = fixed[0];
  specialize_input_shapes(*copy, {{g.inputs.at(0), s}}, 0);
  infer_shapes_and_fold(*copy);
  return [copy](const std::string& name) {
    if (!copy->has_value(name) || !copy->value(name).known) return -1;
    return static_cast<int>(copy->value(name).shape.size());
  };
}

void write_qdq_onnx(const std::string& src, const QuantPlan& plan, const std::string& out,
                    const RankOf& rank_of) {
  onnx::ModelProto m;
  {
    std::ifstream in(src, std::ios::binary);
    if (!in || !m.ParseFromIstream(&in)) fail(ErrorCode::io, "{}: cannot read the ONNX model", src);
  }
  int opset = 0;
  for (const auto& o : m.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = static_cast<int>(o.version());
  if (opset < 13) upgrade_to_opset13(m, rank_of);
  apply(m, plan);
  m.set_producer_name("inferlab quantize");
  const std::string tmp = fmt::format("{}.tmp.{}", out, ::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) fail(ErrorCode::io, "{}: cannot write (folder missing or not writable)", out);
    if (!m.SerializeToOstream(&f) || !f.flush()) {
      std::filesystem::remove(tmp);
      fail("{}: writing failed", out);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    fail("{}: cannot rename the finished file into place: {}", out, ec.message());
  }
}

}  // namespace inferlab::quant
