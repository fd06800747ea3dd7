#pragma once
// Graph optimisation passes run by the optimized engine (in this order, see optimize_graph).
// Each is a function on a statically shaped, constant-folded Graph (after infer_shapes_and_fold)
// that keeps the graph's inputs, outputs and results unchanged.
//
// Fused post-operations are recorded on the producing Conv/Gemm node's typed `post_ops` list
// (ir/post_op.h); they apply in list order to the node's output.
#include <functional>

#include "ir/graph.h"

namespace inferlab {

// Identity, inference Dropout, Reshape/Flatten/Squeeze/Unsqueeze that keep the shape, and
// Transpose with the identity permutation are bypassed. Returns the number removed.
int remove_identity(Graph& g);
// BatchNormalization whose input is the sole use of a Conv/Gemm output with constant weights:
// the scale and shift are folded into new weight and bias constants.
int fold_batchnorm(Graph& g);
// Relu, LeakyRelu, Clip (constant bounds), Sigmoid and HardSwish applied to the sole use of a
// Conv/Gemm output become post-ops of that node.
int fuse_activation(Graph& g);
// Add(conv(x), r) with equal shapes, where the Conv output has no other use, becomes a "sum"
// post-op of the Conv with r as input 3 (oneDNN's sum post-op: dst = conv(x) + dst).
int fuse_residual_add(Graph& g);

// A 1x1 stride-1 unpadded Conv whose output only a 3x3 depthwise Conv (pads 1, stride 1 or 2)
// reads, both f32 with constant weights and only eltwise post-ops, becomes one Conv with a
// `depthwise` post-op (dw weights and bias as inputs 4 and 5, a zero bias added when the model
// has none), when `accept(graph, fused node)` agrees. Returns the number fused.
int fuse_depthwise(Graph& g, const std::function<bool(const Graph&, const Node&)>& accept);

// QDQ patterns -> integer operators, for precision i8; runs BEFORE constant folding (see
// fuse_qdq.cpp): Relu before a QuantizeLinear clamping at zero is dropped, DequantizeLinear
// moves after MaxPool/Flatten/Reshape, DQ(x), DQ(W) [, bias] -> Conv [-> BatchNormalization] -> Q
// becomes QLinearConv and DQ(a), DQ(b) -> Add -> Q becomes QLinearAdd. Returns the number of
// Conv/Add fused.
int fuse_qdq(Graph& g);
// After shape inference, for precision i8: QLinearConv -> QLinearAdd (the conv's output read by
// the add alone, operands of the output's shape) becomes inferlab.QLinearConvSum, the add as
// the conv's int8 `sum` post-op. Returns the number fused.
int fuse_qdq_sum(Graph& g);

// The whole pipeline: identity removal, BatchNorm folding, activation fusion, residual fusion,
// activation fusion again (the Relu after an Add), dead-node elimination, topological sort.
void optimize_graph(Graph& g);

}  // namespace inferlab
