// Element-wise float activations and math functions: y = f(x) with attributes.
#include <algorithm>
#include <cmath>

#include "ops/op_util.h"

namespace inferlab {
namespace {

using ops::require_float;
using ops::require_inputs;
using ops::set_output;

void infer_same(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  require_inputs(in, 1, 1);
  require_float(in[0]);
  set_output(out[0], in[0]->dtype, in[0]->shape);
}

template <typename F>
KernelFn unary(F f) {
  return [f](const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
    const float* x = in[0].data<float>();
    float* y = out[0].data<float>();
    const auto g = f(n);
    for (std::int64_t i = 0; i < in[0].numel(); ++i) y[i] = g(x[i]);
  };
}

INFERLAB_REGISTER_OP({"LeakyRelu", infer_same, unary([](const Node& n) {
                        const float a = n.attrs.get_float("alpha", 0.01f);
                        return [a](float x) { return x >= 0 ? x : a * x; };
                      })});
INFERLAB_REGISTER_OP({"Sigmoid", infer_same, unary([](const Node&) {
                        return [](float x) { return 1.f / (1.f + std::exp(-x)); };
                      })});
INFERLAB_REGISTER_OP({"Tanh", infer_same,
                      unary([](const Node&) { return [](float x) { return std::tanh(x); }; })});
INFERLAB_REGISTER_OP({"HardSigmoid", infer_same, unary([](const Node& n) {
                        const float a = n.attrs.get_float("alpha", 0.2f);
                        const float b = n.attrs.get_float("beta", 0.5f);
                        return [a, b](float x) { return std::max(0.f, std::min(1.f, a * x + b)); };
                      })});
INFERLAB_REGISTER_OP({"HardSwish", infer_same, unary([](const Node&) {
                        return [](float x) {
                          return x * std::max(0.f, std::min(1.f, x / 6.f + 0.5f));
                        };
                      })});
INFERLAB_REGISTER_OP({"Exp", infer_same,
                      unary([](const Node&) { return [](float x) { return std::exp(x); }; })});
INFERLAB_REGISTER_OP({"Sqrt", infer_same,
                      unary([](const Node&) { return [](float x) { return std::sqrt(x); }; })});
INFERLAB_REGISTER_OP({"Elu", infer_same, unary([](const Node& n) {
                        const float a = n.attrs.get_float("alpha", 1.f);
                        return [a](float x) { return x >= 0 ? x : a * (std::exp(x) - 1.f); };
                      })});

}  // namespace
}  // namespace inferlab
