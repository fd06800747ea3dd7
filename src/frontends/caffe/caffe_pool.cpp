// Pooling -> MaxPool / AveragePool / Global*Pool. Caffe rounds the output size up (ceil_mode)
// and drops a last window that starts in the padding, as the ONNX kernels do with ceil_mode;
// its average counts the explicit padding but not the ceil overhang (count_include_pad).
#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

std::vector<std::int64_t> pair(bool has_hw, std::uint32_t h, std::uint32_t w, std::uint32_t all) {
  return has_hw ? std::vector<std::int64_t>{h, w} : std::vector<std::int64_t>{all, all};
}

void convert_pooling(Builder& b, const Layer& l) {
  b.require_bottoms(l, 1);
  const auto& p = l.pooling_param();
  const std::string x = b.bottom(l);
  if (b.shape(x).size() != 4)
    fail("{}: input '{}' must be N, C, H, W (rank {})", b.where(l), x, b.shape(x).size());
  using P = caffe::PoolingParameter;
  if (p.pool() == P::STOCHASTIC) unsupported("{}: STOCHASTIC pooling is not supported", b.where(l));
  const bool max = p.pool() == P::MAX;
  if (p.global_pooling()) {
    b.add(l, max ? "GlobalMaxPool" : "GlobalAveragePool", {x}, {b.top(l)});
    return;
  }
  if (!p.has_kernel_size() && !(p.has_kernel_h() && p.has_kernel_w()))
    fail("{}: gives no kernel_size (or kernel_h and kernel_w)", b.where(l));
  const auto kernel = pair(p.has_kernel_h(), p.kernel_h(), p.kernel_w(), p.kernel_size());
  const auto pad = pair(p.has_pad_h() || p.has_pad_w(), p.pad_h(), p.pad_w(), p.pad());
  const auto stride =
      pair(p.has_stride_h() || p.has_stride_w(), p.stride_h(), p.stride_w(), p.stride());
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] <= 0 || stride[i] <= 0)
      fail("{}: kernel and stride must be positive", b.where(l));
  }
  Attributes a;
  a.set("kernel_shape", kernel);
  a.set("pads", std::vector<std::int64_t>{pad[0], pad[1], pad[0], pad[1]});
  a.set("strides", stride);
  a.set("ceil_mode", std::int64_t{p.round_mode() == P::CEIL ? 1 : 0});
  if (!max) a.set("count_include_pad", std::int64_t{1});
  b.add(l, max ? "MaxPool" : "AveragePool", {x}, {b.top(l)}, a);
}

}  // namespace

INFERLAB_CAFFE_LAYER("Pooling", convert_pooling);

}  // namespace inferlab::caffe_import
