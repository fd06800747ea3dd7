#pragma once
// Fused post-ops applied on plain data, for fused nodes that run their reference kernel
// (oneDNN could not take them): the same semantics as the oneDNN post-ops they stand for.
#include <vector>

#include "ir/post_op.h"
#include "ir/tensor.h"

namespace inferlab {

// y = post_k(...post_1(y)); `sum` adds alpha x `sum` (same shape, plain) at its place in the list.
void apply_post_ops_plain(const std::vector<PostOp>& posts, Tensor& y, const Tensor& sum);

}  // namespace inferlab
