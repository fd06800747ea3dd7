// InnerProduct -> Gemm on the input flattened at `axis` (Caffe keeps the axes before it).
#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

void convert_inner_product(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const auto& p = l.inner_product_param();
  const std::string x = b.bottom(l);
  const Shape in = b.shape(x);
  const int axis = normalize_axis(p.axis(), in.size(), b.where(l) + " axis");
  std::int64_t k = 1;
  for (std::size_t i = static_cast<std::size_t>(axis); i < in.size(); ++i) k *= in[i];
  const std::int64_t n = p.num_output();
  if (n <= 0) fail("{}: num_output must be positive", b.where(l));
  const Shape wshape = p.transpose() ? Shape{k, n} : Shape{n, k};
  const std::string w = b.constant(l.name() + "/weight", b.blob(l, 0, wshape, "weight"));
  std::vector<std::string> gemm_in;
  Attributes fa;
  fa.set("axis", std::int64_t{axis});
  const std::string flat = b.temp(l.name() + "/flat");
  b.add(l, "Flatten", {x}, {flat}, fa);
  gemm_in = {flat, w};
  if (p.bias_term()) gemm_in.push_back(b.constant(l.name() + "/bias", b.blob(l, 1, {n}, "bias")));
  Attributes ga;
  ga.set("transB", std::int64_t{p.transpose() ? 0 : 1});
  if (axis == 1) {
    b.add(l, "Gemm", gemm_in, {b.top(l)}, ga);
    return;
  }
  // Restore the leading axes: [d0, ..., d(axis-1), n].
  const std::string flat_out = b.temp(l.name() + "/gemm");
  b.add(l, "Gemm", gemm_in, {flat_out}, ga);
  std::vector<std::int64_t> shape(static_cast<std::size_t>(axis), 0);
  shape.push_back(n);
  for (int i = 0; i < axis; ++i)
    shape[static_cast<std::size_t>(i)] = in[static_cast<std::size_t>(i)];
  b.add(l, "Reshape", {flat_out, b.constant(l.name() + "/shape", i64_tensor(shape))}, {b.top(l)});
}

}  // namespace

INFERLAB_CAFFE_LAYER("InnerProduct", convert_inner_product);

}  // namespace inferlab::caffe_import
