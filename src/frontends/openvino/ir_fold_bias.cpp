// OpenVINO IRs keep a convolution's bias as a separate Add of a [1, C, 1, 1] constant. Folding
// it back into the Conv (the ONNX form) lets the optimized engine run it inside the oneDNN
// convolution instead of as a separate element-wise pass over the activations.
#include "frontends/openvino/ir_fold_bias.h"

#include <algorithm>

namespace inferlab::ir_import {

namespace {

// The bias as a [C] tensor when `t` is a per-channel constant for `channels`, else empty.
Tensor channel_bias(const Tensor& t, std::int64_t channels) {
  if (t.dtype() != DType::f32 || t.numel() != channels) return {};
  const Shape& s = t.shape();
  // [C], [C,1,...] or [1,C,1,...]: every axis but the channel axis is 1.
  std::size_t c_axis = s.size() >= 2 && s[0] == 1 ? 1 : 0;
  if (s.empty() || c_axis >= s.size() || s[c_axis] != channels) return {};
  for (std::size_t i = c_axis + 1; i < s.size(); ++i)
    if (s[i] != 1) return {};
  // [C] alone would broadcast over the last axis, not the channels: only as [.., C, 1, 1].
  if (s.size() == 1) return {};
  return t.reshaped({channels});
}

}  // namespace

void fold_conv_bias(Graph& g) {
  auto consumers = g.consumers();
  std::vector<std::size_t> dead;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    Node& add = g.nodes[i];
    if (add.op_type != "Add" || add.inputs.size() != 2) continue;
    for (int side = 0; side < 2; ++side) {
      const std::string& x = add.inputs[static_cast<std::size_t>(side)];
      const std::string& c = add.inputs[static_cast<std::size_t>(1 - side)];
      const auto p = g.producer(x);
      if (p < 0 || !g.value(c).constant || g.is_graph_output(x) || consumers[x].size() != 1)
        continue;
      Node& conv = g.nodes[static_cast<std::size_t>(p)];
      if (conv.op_type != "Conv" || conv.inputs.size() != 2) continue;
      const Tensor* w =
          g.value(conv.inputs[1]).constant ? &*g.value(conv.inputs[1]).constant : nullptr;
      if (!w || w->rank() < 3) continue;
      Tensor bias = channel_bias(*g.value(c).constant, w->shape()[0]);
      if (bias.empty()) continue;
      const std::string name = conv.name + "/bias";
      Value& bv = g.add_value(name);
      bv.dtype = DType::f32;
      bv.shape = bias.shape();
      bv.known = true;
      bv.constant = bias;
      conv.inputs.push_back(name);
      conv.outputs[0] = add.outputs[0];
      conv.fused_from.push_back(add.name);
      g.remove_value(x);
      dead.push_back(i);
      break;
    }
  }
  for (auto it = dead.rbegin(); it != dead.rend(); ++it)
    g.nodes.erase(g.nodes.begin() + static_cast<std::ptrdiff_t>(*it));
}

}  // namespace inferlab::ir_import
