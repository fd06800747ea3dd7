#pragma once
// Operations fused into a Conv/Gemm node and applied to its output, in list order:
// y = post_k(...post_1(op(x))). Set by the fusion passes (passes/passes.h), read when the node
// is compiled (oneDNN post-ops, kernels/onednn/common.cpp) or, on the reference path, applied on
// plain data (runtime/optimized_postops.cpp). A typed field of the node, never an attribute, so
// nothing parses it at run time and a kind no consumer handles is a compile-time warning.
#include <string_view>

namespace inferlab {

enum class PostOpKind {
  relu,       // alpha: slope below zero (0 for Relu, LeakyRelu's alpha)
  clip,       // alpha: lower bound, beta: upper bound (Clip, ReLU6)
  sigmoid,    //
  hardswish,  //
  sum,        // adds the node's input 3 (the residual operand), scaled by alpha
  depthwise,  // a 3x3 depthwise convolution (pads 1) with `stride`, weights and bias the node's
              // inputs 4 and 5; later post-ops apply to its output (passes/fuse_depthwise.cpp)
};

struct PostOp {
  PostOpKind kind = PostOpKind::relu;
  float alpha = 0, beta = 0;
  int stride = 0;  // depthwise only: 1 or 2
  bool operator==(const PostOp&) const = default;
};

// The name printed by --dump-graph ("relu", "clip", ...).
constexpr std::string_view post_op_name(PostOpKind k) {
  switch (k) {
    case PostOpKind::relu:
      return "relu";
    case PostOpKind::clip:
      return "clip";
    case PostOpKind::sigmoid:
      return "sigmoid";
    case PostOpKind::hardswish:
      return "hardswish";
    case PostOpKind::sum:
      return "sum";
    case PostOpKind::depthwise:
      return "dw";
  }
  return "?";
}

}  // namespace inferlab
