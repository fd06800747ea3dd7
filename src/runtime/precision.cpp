// Precision names and the per-precision layer summary recorded with every result.
#include <fmt/ranges.h>
#include <algorithm>

#include <map>

#include "inferlab/inferlab.h"
#include "ir/error.h"
#include "runtime/program.h"

namespace inferlab {

Precision parse_precision(const std::string& name) {
  if (name == "f32") return Precision::f32;
  if (name == "bf16") return Precision::bf16;
  if (name == "i8") return Precision::i8;
  fail("unknown precision '{}' (f32, bf16 or i8)", name);
}

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::f32:
      return "f32";
    case Precision::bf16:
      return "bf16";
    case Precision::i8:
      return "i8";
  }
  return "?";
}

std::string precision_summary(const std::vector<LayerProfile>& layers) {
  std::map<std::string, std::vector<std::string>> by;
  for (const auto& l : layers) by[l.precision].push_back(l.name);
  std::vector<std::pair<std::string, std::vector<std::string>>> v(by.begin(), by.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& [p, names] = v[i];
    s += fmt::format("{}{}: {} layer{}", s.empty() ? "" : ", ", p, names.size(),
                     names.size() == 1 ? "" : "s");
    // The minority precisions are the interesting ones: name their layers.
    if (i > 0 && names.size() <= 5) s += fmt::format(" ({})", fmt::join(names, ", "));
  }
  return s.empty() ? "no layers" : s;
}

}  // namespace inferlab

namespace inferlab {

std::string reference_layer_precision(const Graph& g, const Node& n) {
  // Integer-arithmetic operators of quantized models compute in 8-bit integers (s32
  // accumulation) even on reference kernels; everything else computes in f32 (or is data
  // movement).
  static const char* kInteger[] = {"QLinearConv",
                                   "QLinearMatMul",
                                   "QLinearAdd",
                                   "QLinearMul",
                                   "QLinearConcat",
                                   "QLinearAveragePool",
                                   "QLinearGlobalAveragePool",
                                   "ConvInteger",
                                   "MatMulInteger",
                                   "QLinearLeakyRelu",
                                   "QLinearSigmoid",
                                   "QLinearSoftmax"};
  for (const char* t : kInteger)
    if (n.op_type == t) return "i8";
  if (n.op_type != "DequantizeLinear" && n.has_input(0)) {
    const DType t = g.value(n.inputs[0]).dtype;
    if (t == DType::u8 || t == DType::i8) return "i8";
  }
  return "f32";
}

}  // namespace inferlab
