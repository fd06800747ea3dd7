#include "quant/plan.h"

#include <algorithm>
#include <cmath>

namespace inferlab::quant {
namespace {

// The tensor a MaxPool chain reads (t itself when no MaxPool produced it): max pooling keeps
// values, so its output takes its input's quantization. Equal parameters on both sides let
// ONNX Runtime and OpenVINO run the pooling on int8 (DQ -> MaxPool -> Q with equal parameters
// is dropped) and inferlab remove the Q(DQ) pair (fuse_qdq).
std::string pooled_source(const Graph& g, std::string t) {
  for (auto p = g.producer(t);
       p >= 0 && g.nodes[static_cast<std::size_t>(p)].op_type == "MaxPool" &&
       g.nodes[static_cast<std::size_t>(p)].has_input(0);
       p = g.producer(t))
    t = g.nodes[static_cast<std::size_t>(p)].inputs[0];
  return t;
}

bool produced_by_relu(const Graph& g, const std::string& t) {
  const auto p = g.producer(pooled_source(g, t));
  return p >= 0 && g.nodes[static_cast<std::size_t>(p)].op_type == "Relu";
}

bool constant_f32(const Graph& g, const Node& n, std::size_t i, std::size_t rank) {
  if (!n.has_input(i) || !g.has_value(n.inputs[i])) return false;
  const Value& v = g.value(n.inputs[i]);
  return v.constant && v.constant->dtype() == DType::f32 &&
         (rank == 0 || v.constant->rank() == rank);
}

}  // namespace

std::vector<Layer> find_layers(const Graph& g) {
  const auto users = g.consumers();
  std::vector<Layer> layers;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& n = g.nodes[i];
    if (!n.domain.empty() || n.inputs.empty() || !n.has_input(0)) continue;
    Layer l;
    l.node = i;
    l.name = n.name;
    l.op_type = n.op_type;
    if (n.op_type == "Conv" && constant_f32(g, n, 1, 0) &&
        g.value(n.inputs[1]).constant->rank() >= 3) {
      l.weight_axis = 0;
      if (constant_f32(g, n, 2, 1)) l.bias_input = 2;
    } else if (n.op_type == "Gemm" && constant_f32(g, n, 1, 2) &&
               n.attrs.get_int("transA", 0) == 0 && n.attrs.get_float("alpha", 1.f) == 1.f) {
      l.weight_axis = n.attrs.get_int("transB", 0) ? 0 : 1;
      const std::int64_t N =
          g.value(n.inputs[1]).constant->shape()[static_cast<std::size_t>(l.weight_axis)];
      if (constant_f32(g, n, 2, 1) && n.attrs.get_float("beta", 1.f) == 1.f &&
          g.value(n.inputs[2]).constant->shape()[0] == N)
        l.bias_input = 2;
    } else if (n.op_type == "MatMul" && constant_f32(g, n, 1, 2)) {
      l.weight_axis = 1;
    } else {
      continue;
    }
    l.x = n.inputs[0];
    l.x_u8 = produced_by_relu(g, l.x);
    // The output is quantized where an int8 engine would requantize: after a BatchNormalization
    // (folded into the conv) and a Relu that are its only consumers.
    l.out = n.outputs[0];
    for (const char* follow : {"BatchNormalization", "Relu"}) {
      auto u = users.find(l.out);
      if (u == users.end() || u->second.size() != 1 || g.is_graph_output(l.out) ||
          g.nodes[u->second[0]].op_type != follow)
        continue;
      l.out = g.nodes[u->second[0]].outputs[0];
      l.out_u8 = std::string(follow) == "Relu";
    }
    layers.push_back(l);
  }
  return layers;
}

std::vector<std::string> calibration_points(const Graph& g, const std::vector<Layer>& layers) {
  std::vector<std::string> pts;
  auto add = [&](const std::string& t) {
    if (std::find(pts.begin(), pts.end(), t) == pts.end()) pts.push_back(t);
  };
  for (const auto& l : layers) {
    add(l.x);
    if (!g.is_graph_output(l.out)) add(l.out);
  }
  return pts;
}

namespace {

ActivationQuant activation(const std::string& t, bool u8, const TensorStats& s,
                           const QuantizeOptions& o) {
  ActivationQuant a;
  a.tensor = t;
  a.type = u8 ? DType::u8 : DType::i8;
  a.lo = s.lo;
  a.hi = s.hi;
  a.threshold = threshold(s, o, u8 ? 255 : 127);
  // A tensor that never left zero still needs a positive scale.
  a.scale = a.threshold > 0.f ? a.threshold / (u8 ? 255.f : 127.f) : 1.f;
  a.zero_point = 0;
  return a;
}

WeightQuant weight_quant(const Graph& g, const Layer& l, float x_scale) {
  const Node& n = g.nodes[l.node];
  WeightQuant w;
  w.node = n.name;
  w.node_output = n.outputs[0];
  w.weight = n.inputs[static_cast<std::size_t>(l.weight_input)];
  w.axis = l.weight_axis;
  const Tensor& wt = *g.value(w.weight).constant;
  const Shape& s = wt.shape();
  const std::int64_t M = s[static_cast<std::size_t>(l.weight_axis)];
  std::int64_t inner = 1;
  for (std::size_t d = static_cast<std::size_t>(l.weight_axis) + 1; d < s.size(); ++d)
    inner *= s[d];
  std::vector<float> amax(static_cast<std::size_t>(M), 0.f);
  const float* x = wt.data<float>();
  for (std::int64_t i = 0; i < wt.numel(); ++i) {
    auto& a = amax[static_cast<std::size_t>((i / inner) % M)];
    a = std::max(a, std::fabs(x[i]));
  }
  for (float a : amax) w.scale.push_back(a > 0.f ? a / 127.f : 1.f);
  w.q = Tensor(DType::i8, s);
  for (std::int64_t i = 0; i < wt.numel(); ++i) {
    const float sc = w.scale[static_cast<std::size_t>((i / inner) % M)];
    w.q.data<std::int8_t>()[i] =
        static_cast<std::int8_t>(std::clamp(std::nearbyint(x[i] / sc), -127.f, 127.f));
  }
  if (l.bias_input >= 0 && x_scale > 0.f) {  // an f32 input leaves the bias in f32
    w.bias = n.inputs[static_cast<std::size_t>(l.bias_input)];
    const Tensor& bt = *g.value(w.bias).constant;
    w.bias_q = Tensor(DType::i32, bt.shape());
    for (std::int64_t c = 0; c < bt.numel(); ++c) {
      const float sc = x_scale * w.scale[static_cast<std::size_t>(c)];
      w.bias_scale.push_back(sc);
      const double q = std::nearbyint(static_cast<double>(bt.data<float>()[c]) / sc);
      w.bias_q.data<std::int32_t>()[c] =
          static_cast<std::int32_t>(std::clamp(q, -2147483647.0, 2147483647.0));
    }
  }
  return w;
}

}  // namespace

QuantPlan make_plan(const Graph& g, const std::vector<Layer>& layers,
                    const std::set<std::string>& keep,
                    const std::map<std::string, TensorStats>& stats, const QuantizeOptions& o) {
  QuantPlan p;
  std::map<std::string, std::size_t> index;
  auto add = [&](const std::string& t, bool u8) -> const ActivationQuant& {
    auto it = index.find(t);
    if (it == index.end()) {
      it = index.emplace(t, p.activations.size()).first;
      const auto src = stats.find(pooled_source(g, t));
      p.activations.push_back(activation(t, u8, src != stats.end() ? src->second : stats.at(t), o));
    }
    return p.activations[it->second];
  };
  // A kept layer sees and produces f32: its input and output tensors stay unquantized even where
  // a neighbouring layer would quantize them (that neighbour then runs with f32 activations and
  // int8-rounded weights), so keeping a layer removes the activation error around it.
  std::set<std::string> f32_tensors;
  for (const auto& l : layers)
    if (keep.count(l.name)) f32_tensors.insert({l.x, l.out});
  for (const auto& l : layers) {
    if (keep.count(l.name)) continue;
    const bool x_q = !f32_tensors.count(l.x);
    const float x_scale = x_q ? add(l.x, l.x_u8).scale : 0.f;
    if (!g.is_graph_output(l.out) && !f32_tensors.count(l.out)) add(l.out, l.out_u8);
    p.weights.push_back(weight_quant(g, l, x_scale));
  }
  return p;
}

}  // namespace inferlab::quant
