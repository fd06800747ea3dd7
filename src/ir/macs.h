#pragma once
// Multiply-accumulates of a node: the one counter of the project. The stream rule (runtime)
// sizes models with it, the model statistics and roofline (analysis) report it.
//   Conv (and ConvInteger, QLinearConv, inferlab.QLinearConvSum):
//   N*Cout*Hout*Wout*(Cin/group)*kh*kw
//     (any spatial rank): every output element takes one filter's worth of weights;
//   ConvTranspose: N*Cin*Hin*Win*(Cout/group)*kh*kw: every input element scatters one filter;
//   Gemm, MatMul (and MatMulInteger, QLinearMatMul): output elements * K.
// Other ops count 0 (their arithmetic is not multiply-accumulates of weights).
#include <cstdint>
#include <optional>

#include "ir/graph.h"

namespace inferlab {

// Whether `n` is one of the ops above, i.e. whether node_macs can be nonzero.
bool counts_macs(const Node& n);

// MACs of one inference of `n`; std::nullopt when a shape it needs (data, weights, output) is
// not known and static.
std::optional<std::int64_t> node_macs(const Graph& g, const Node& n);

// Sum over the graph's nodes; nodes whose shapes are not known count 0.
double graph_macs(const Graph& g);

}  // namespace inferlab
