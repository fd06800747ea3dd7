#pragma once
// Helpers for engine tests: building small graphs with constant weights, and running a graph on
// the reference and the optimized engine with the same inputs.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "frontends/model_file.h"
#include "inferlab/inferlab.h"
#include "inferlab/lab/tensor_compare.h"
#include "runtime/model_graph.h"

namespace inferlab::test {

inline Tensor random_tensor(const Shape& s, std::uint32_t seed, float lo = -1.f, float hi = 1.f) {
  Tensor t(DType::f32, s);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

class GraphBuilder {
 public:
  explicit GraphBuilder(int opset = 13) { g_->opset = opset; }
  std::string input(const std::string& name, Shape s) {
    Value& v = g_->add_value(name);
    v.dtype = DType::f32;
    v.shape = std::move(s);
    v.known = true;
    g_->inputs.push_back(name);
    return name;
  }
  std::string constant(const std::string& name, Tensor t) {
    Value& v = g_->add_value(name);
    v.dtype = t.dtype();
    v.shape = t.shape();
    v.known = true;
    v.constant = std::move(t);
    return name;
  }
  std::string weight(const std::string& name, Shape s, float scale = 0.2f) {
    return constant(name, random_tensor(s, seed_++, -scale, scale));
  }
  // Adds a node with one output named after the node.
  std::string node(const std::string& op, const std::string& name, std::vector<std::string> in,
                   Attributes attrs = {}) {
    Node n;
    n.name = name;
    n.op_type = op;
    n.opset = g_->opset;
    n.inputs = std::move(in);
    n.outputs = {name + "_out"};
    n.attrs = std::move(attrs);
    g_->add_value(n.outputs[0]);
    g_->nodes.push_back(std::move(n));
    return name + "_out";
  }
  std::string conv(const std::string& name, const std::string& x, std::int64_t cin,
                   std::int64_t cout, std::int64_t k, std::int64_t stride = 1,
                   std::int64_t group = 1) {
    Attributes a;
    const std::int64_t p = k / 2;
    a.set("kernel_shape", std::vector<std::int64_t>{k, k});
    a.set("strides", std::vector<std::int64_t>{stride, stride});
    a.set("pads", std::vector<std::int64_t>{p, p, p, p});
    a.set("group", group);
    const float scale = 1.5f / std::sqrt(static_cast<float>(cin / group * k * k));
    return node("Conv", name,
                {x, weight(name + "_w", {cout, cin / group, k, k}, scale),
                 weight(name + "_b", {cout}, 0.1f)},
                a);
  }
  std::string batchnorm(const std::string& name, const std::string& x, std::int64_t c) {
    return node("BatchNormalization", name,
                {x, constant(name + "_s", random_tensor({c}, seed_++, 0.5f, 1.5f)),
                 weight(name + "_bias", {c}, 0.3f), weight(name + "_m", {c}, 0.3f),
                 constant(name + "_v", random_tensor({c}, seed_++, 0.5f, 2.f))});
  }
  void output(const std::string& v) { g_->outputs.push_back(v); }
  std::shared_ptr<Graph> graph() const { return g_; }

 private:
  std::shared_ptr<Graph> g_ = std::make_shared<Graph>();
  std::uint32_t seed_ = 1;
};

// A scalar tensor of dtype `t` (f32, u8 or i8) holding `v`: a scale or a zero point.
inline Tensor scalar_of(DType t, double v) {
  Tensor s(t, {});
  if (t == DType::f32) s.data<float>()[0] = static_cast<float>(v);
  if (t == DType::u8) s.data<std::uint8_t>()[0] = static_cast<std::uint8_t>(v);
  if (t == DType::i8) s.data<std::int8_t>()[0] = static_cast<std::int8_t>(v);
  return s;
}

// QuantizeLinear -> DequantizeLinear of activation `x`, per tensor, as quantizers write it.
inline std::string qdq(GraphBuilder& b, const std::string& x, const std::string& p, float scale,
                       int zp, DType t) {
  const auto s = b.constant(p + "_s", scalar_of(DType::f32, scale));
  const auto z = b.constant(p + "_z", scalar_of(t, zp));
  return b.node("DequantizeLinear", p + "_dq",
                {b.node("QuantizeLinear", p + "_q", {x, s, z}), s, z});
}

// Number of nodes of type `op` in `g`.
inline int count_op(const Graph& g, const std::string& op) {
  int n = 0;
  for (const Node& node : g.nodes) n += node.op_type == op;
  return n;
}

// One single-thread stream compiled for int8 (QDQ models), at `batch`.
inline CompileOptions i8_options(std::int64_t batch = 1) {
  CompileOptions o;
  o.batch = batch;
  o.threads_per_stream = 1;
  o.precision = Precision::i8;
  return o;
}

inline std::vector<Tensor> run_model(const CompiledModel& cm, const std::vector<Tensor>& inputs) {
  InferRequest r = cm.create_infer_request();
  for (std::size_t i = 0; i < inputs.size(); ++i) r.set_tensor(cm.inputs()[i].name, inputs[i]);
  r.infer();
  std::vector<Tensor> out;
  for (const auto& p : cm.outputs()) out.push_back(r.get_tensor(p.name).clone());
  return out;
}

inline std::vector<Tensor> random_inputs(const CompiledModel& cm, std::uint32_t seed) {
  std::vector<Tensor> in;
  for (const auto& p : cm.inputs()) in.push_back(random_tensor(p.shape, seed++, 0.f, 1.f));
  return in;
}

// Compiles `g` on both engines with `opt` and checks the outputs agree within rtol/atol.
inline void expect_matches_reference(const std::shared_ptr<const Graph>& g, CompileOptions opt,
                                     double rtol = 1e-4, double atol = 1e-5) {
  Core core;
  CompileOptions ref_opt = opt;
  ref_opt.engine = Engine::reference;
  ref_opt.precision = Precision::f32;  // the oracle runs the model as written
  ref_opt.streams = 1;
  ref_opt.threads_per_stream = 0;
  ref_opt.hint = PerformanceHint::latency;
  opt.engine = Engine::optimized;
  const CompiledModel ref = core.compile_model(wrap_graph(g), ref_opt);
  const CompiledModel cm = core.compile_model(wrap_graph(g), opt);
  const auto in = random_inputs(cm, 7);
  const auto expected = run_model(ref, in);
  const auto actual = run_model(cm, in);
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const TensorDiff d = compare_tensors(actual[i], expected[i], rtol, atol);
    EXPECT_TRUE(d.ok) << "output " << cm.outputs()[i].name << ": " << d.reason
                      << " max_abs=" << d.max_abs << " max_rel=" << d.max_rel
                      << " mismatches=" << d.mismatches << "\n"
                      << cm.dump_graph();
  }
}

// Whether this CPU has AVX-512 (F, BW, VL, DQ): where oneDNN 2.6's avx512_core kernels, and so
// the fusions and layouts that depend on them, are available.
inline bool avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}

}  // namespace inferlab::test
