#pragma once
// oneDNN primitive builders for the optimized engine. Each builder looks at one node and, when
// oneDNN can run it, returns a Built: the primitive, which memory layout each activation input
// must arrive in, the layout of the output it produces, and constant arguments (weights and
// bias already reordered into the primitive's preferred layout, once, at compile time).
// std::nullopt means "not supported here": the program runs the reference kernel instead.
#include <oneapi/dnnl/dnnl.hpp>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "inferlab/inferlab.h"
#include "ir/graph.h"

namespace inferlab::onednn {

using md = dnnl::memory::desc;
using tag = dnnl::memory::format_tag;

struct Built {
  dnnl::primitive prim;
  std::string impl;       // pd.impl_info_str(), e.g. "brgconv:avx512_core"
  std::string precision;  // what it computes in; empty: its source's data type
  // One entry per activation input used: node input index, DNNL_ARG_*, required layout.
  struct Input {
    int index;
    int arg;
    md desc;
  };
  std::vector<Input> inputs;
  md dst;  // layout of output 0 as the primitive writes it
  // When set: the output value is recorded with this descriptor and `dst` is another view of
  // the same bytes (a Transpose written by a reorder).
  md dst_value;
  md scratchpad;                                    // user-managed scratchpad
  std::unordered_map<int, dnnl::memory> constants;  // weights / bias, shared read-only
  // For the sum post-op: node input whose value prefills dst (-1 when none).
  int sum_input = -1;
  // When set: the layout that value must be in, when its data type differs from dst's (an s8
  // residual summed into a u8 output: the same bytes, read as s8 by the post-op).
  md sum_desc;
};

// What a builder knows about the node's inputs: the current layout of each activation input
// (an empty desc for constants and absent inputs) and the graph for shapes and constants.
struct BuildContext {
  const dnnl::engine& eng;
  const Graph& graph;
  const CompileOptions& options;
  std::vector<md> in;  // per node input
};

// The Built step of a primitive with one source (eltwise, pooling, softmax): the source is
// the node's input 0.
template <typename Primitive, typename PrimitiveDesc>
Built single_source_step(const PrimitiveDesc& pd) {
  Built b;
  b.prim = Primitive(pd);
  b.impl = pd.impl_info_str();
  b.inputs.push_back({0, DNNL_ARG_SRC, pd.src_desc()});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  return b;
}

std::optional<Built> build_conv(const Node& n, const BuildContext& c);
std::optional<Built> build_inner_product(const Node& n, const BuildContext& c);
std::optional<Built> build_pool(const Node& n, const BuildContext& c);
std::optional<Built> build_eltwise(const Node& n, const BuildContext& c);
std::optional<Built> build_binary(const Node& n, const BuildContext& c);
std::optional<Built> build_concat(const Node& n, const BuildContext& c);
std::optional<Built> build_softmax(const Node& n, const BuildContext& c);
std::optional<Built> build_transpose(const Node& n, const BuildContext& c);
std::optional<Built> build_qlinear_conv(const Node& n, const BuildContext& c);
std::optional<Built> build_dequantize(const Node& n, const BuildContext& c);
std::optional<Built> build_qlinear_matmul(const Node& n, const BuildContext& c);
std::optional<Built> build_qlinear_add(const Node& n, const BuildContext& c);
std::optional<Built> build_matmul_integer_to_float(const Node& n, const BuildContext& c);

// Tries the builder for the node's op type.
std::optional<Built> build_node(const Node& n, const BuildContext& c);

// Helpers.
// The data type of the compute layers' activations and weights under CompileOptions::precision:
// bf16 for Precision::bf16, else f32 (accumulation and bias stay f32 either way).
dnnl::memory::data_type compute_type(const BuildContext& c);
// "f32", "bf16", "i8" (s8/u8), "i32" for a descriptor's data type.
std::string precision_of(const md& d);
md plain_md(const Shape& s, dnnl::memory::data_type t = dnnl::memory::data_type::f32);
bool is_plain(const md& d, const Shape& s);  // dense row-major, in d's own data type
std::string layout_name(const md& d);        // "nChw16c", "nchw", "nc", ...
dnnl::memory::dims to_dims(const Shape& s);
// A constant tensor reordered into `want` (a new buffer owned by the returned memory).
dnnl::memory reorder_constant(const dnnl::engine& eng, const Tensor& t, const md& from,
                              const md& want);
// oneDNN attributes for the node's fused post-ops (sum included) with a user scratchpad.
dnnl::primitive_attr post_op_attr(const Node& n);
dnnl::primitive_attr scratch_attr();

}  // namespace inferlab::onednn
