// Eltwise (SUM with optional coefficients, PROD, MAX) -> chains of Add / Mul / Max.
#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

void convert_eltwise(Builder& b, const Layer& l) {
  b.require_bottoms(l, 2, true);
  const auto& p = l.eltwise_param();
  using E = caffe::EltwiseParameter;
  const int n = l.bottom_size();
  if (p.coeff_size() != 0 && (p.operation() != E::SUM || p.coeff_size() != n))
    fail("{}: coeff needs operation SUM and one value per bottom ({} given for {})", b.where(l),
         p.coeff_size(), n);
  std::vector<std::string> terms;
  for (int i = 0; i < n; ++i) {
    std::string v = b.bottom(l, i);
    if (p.coeff_size() != 0 && p.coeff(i) != 1.0f) {
      const std::string c = b.constant(l.name() + "/coeff", f32_tensor({}, {p.coeff(i)}));
      const std::string scaled = b.temp(l.name() + "/scaled");
      b.add(l, "Mul", {v, c}, {scaled});
      v = scaled;
    }
    terms.push_back(v);
  }
  const char* op = p.operation() == E::PROD ? "Mul" : p.operation() == E::MAX ? "Max" : "Add";
  std::string acc = terms[0];
  for (int i = 1; i < n; ++i) {
    const std::string out = i + 1 == n ? b.top(l) : b.temp(l.name() + "/acc");
    b.add(l, op, {acc, terms[static_cast<std::size_t>(i)]}, {out});
    acc = out;
  }
}

}  // namespace

INFERLAB_CAFFE_LAYER("Eltwise", convert_eltwise);

}  // namespace inferlab::caffe_import
