#include "runtime/optimized_precision.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <set>

namespace inferlab::opt {
namespace {

const char* isa_name(dnnl::cpu_isa isa) {
  using dnnl::cpu_isa;
  switch (isa) {
    case cpu_isa::sse41:
      return "sse41";
    case cpu_isa::avx:
      return "avx";
    case cpu_isa::avx2:
      return "avx2";
    case cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case cpu_isa::avx512_core:
      return "avx512_core";
    case cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "another ISA";
  }
}

bool has_isa(dnnl::cpu_isa have, dnnl::cpu_isa want) {
  const auto h = static_cast<unsigned>(have), w = static_cast<unsigned>(want);
  return (h & w) == w;
}

bool quantized_op(const std::string& t) {
  static const std::set<std::string> k = {
      "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear",
      "QLinearConv",    "QLinearMatMul",    "QLinearAdd",
      "ConvInteger",    "MatMulInteger",    "MatMulIntegerToFloat"};
  return k.count(t) > 0;
}

}  // namespace

void check_precision_request(const Graph& g, Precision p) {
  const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
  if (p == Precision::bf16 && !has_isa(isa, dnnl::cpu_isa::avx512_core_bf16)) {
    fail(
        "precision bf16 needs the avx512_core_bf16 ISA (native bf16 dot products); oneDNN runs "
        "{} on this CPU",
        isa_name(isa));
  }
  if (p != Precision::i8) return;
  if (!has_isa(isa, dnnl::cpu_isa::avx512_core_vnni) && !has_isa(isa, dnnl::cpu_isa::avx2_vnni))
    fail("precision i8 needs a VNNI ISA (avx512_core_vnni); oneDNN runs {} on this CPU",
         isa_name(isa));
  for (const Node& n : g.nodes)
    if (quantized_op(n.op_type)) return;
  fail(
      "precision i8 needs a quantized model (QuantizeLinear/DequantizeLinear or QLinear* nodes) "
      "and this one has none: give calibration images (--calibration DIR --preset P) to "
      "quantize it in memory, write a QDQ model with `inferlab quantize`, or run f32 or bf16");
}

void check_precision_result(const Graph& g, const std::vector<LayerProfile>& layers, Precision p) {
  if (p == Precision::f32) return;
  const std::string want = precision_name(p);
  if (p == Precision::i8) {
    // A QDQ pattern the fusion pass could not turn into an integer operator (fuse_qdq) still runs
    // correctly in f32; such layers are named in the precision summary and --dump-graph. What
    // is refused is an i8 label on a model of which nothing runs in int8.
    const auto computes_i8 = [](const LayerProfile& l) {
      return l.precision == "i8" && l.op_type != "QuantizeLinear" &&
             l.op_type != "DequantizeLinear" && l.op_type != "MaxPool";
    };
    if (std::none_of(layers.begin(), layers.end(), computes_i8))
      fail(
          "precision i8: no convolution, matrix product or addition of this model runs in int8 "
          "here (its QuantizeLinear/DequantizeLinear patterns could not be fused)");
    return;
  }
  for (std::size_t i = 0; i < g.nodes.size() && i < layers.size(); ++i) {
    const Node& n = g.nodes[i];
    if (n.op_type != "Conv" && n.op_type != "Gemm" && n.op_type != "MatMul") continue;
    if (layers[i].precision != want) {
      fail(
          "precision {}: node '{}' ({}) cannot run in {} here ({} on {}); the engine does not "
          "fall back to f32 silently",
          want, n.name, n.op_type, want, layers[i].precision, layers[i].implementation);
    }
  }
}

}  // namespace inferlab::opt
