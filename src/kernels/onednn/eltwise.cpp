// Element-wise activations (f32) as oneDNN eltwise, in the input's own layout.
#include <limits>

#include "kernels/onednn/onednn.h"

namespace inferlab::onednn {

std::optional<Built> build_eltwise(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (n.inputs.empty() || !n.has_input(0) || n.outputs.size() != 1 || c.in[0].data.ndims == 0)
    return std::nullopt;
  if (g.value(n.inputs[0]).dtype != DType::f32) return std::nullopt;
  using dnnl::algorithm;
  algorithm alg;
  float alpha = 0.f, beta = 0.f;
  const std::string& t = n.op_type;
  if (t == "Relu") {
    alg = algorithm::eltwise_relu;
  } else if (t == "LeakyRelu") {
    alg = algorithm::eltwise_relu;
    alpha = n.attrs.get_float("alpha", 0.01f);
  } else if (t == "Sigmoid") {
    alg = algorithm::eltwise_logistic;
  } else if (t == "Tanh") {
    alg = algorithm::eltwise_tanh;
  } else if (t == "HardSwish") {
    alg = algorithm::eltwise_hardswish;
  } else if (t == "Elu") {
    alg = algorithm::eltwise_elu;
    alpha = n.attrs.get_float("alpha", 1.f);
  } else if (t == "Clip") {
    alg = algorithm::eltwise_clip;
    alpha = std::numeric_limits<float>::lowest();
    beta = std::numeric_limits<float>::max();
    if (n.opset < 11) {
      alpha = n.attrs.get_float("min", alpha);
      beta = n.attrs.get_float("max", beta);
    } else {
      for (std::size_t i = 1; i < 3; ++i) {
        if (!n.has_input(i)) continue;
        const Value& v = g.value(n.inputs[i]);
        if (!v.constant || v.dtype != DType::f32) return std::nullopt;
        (i == 1 ? alpha : beta) = v.constant->data<float>()[0];
      }
    }
    if (!(alpha <= beta)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (t != "Clip" && n.inputs.size() != 1) return std::nullopt;
  dnnl::eltwise_forward::primitive_desc pd;
  try {
    pd = {{dnnl::prop_kind::forward_inference, alg, c.in[0], alpha, beta}, scratch_attr(), c.eng};
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  return single_source_step<dnnl::eltwise_forward>(pd);
}

}  // namespace inferlab::onednn
