// Convolution and Deconvolution -> ONNX Conv / ConvTranspose. Caffe spells kernel, pad and
// stride as repeated values (one for all spatial axes or one per axis) or as *_h/*_w pairs.
#include "frontends/caffe/caffe_builder.h"

namespace inferlab::caffe_import {

namespace {

using Repeated = google::protobuf::RepeatedField<std::uint32_t>;

std::vector<std::int64_t> spatial(const Builder& b, const Layer& l, const char* what,
                                  const Repeated& all, bool has_hw, std::uint32_t h,
                                  std::uint32_t w, std::int64_t def, std::size_t n) {
  if (has_hw) {
    if (n != 2)
      fail("{}: {}_h/{}_w need 2 spatial axes, the input has {}", b.where(l), what, what, n);
    return {h, w};
  }
  if (all.empty()) return std::vector<std::int64_t>(n, def);
  if (all.size() == 1) return std::vector<std::int64_t>(n, all[0]);
  if (static_cast<std::size_t>(all.size()) != n)
    fail("{}: {} {} values for {} spatial axes", b.where(l), all.size(), what, n);
  return {all.begin(), all.end()};
}

void convert_conv(Builder& b, const Layer& l, bool transposed) {
  b.require_bottoms(l, 1);
  const auto& p = l.convolution_param();
  const std::string x = b.bottom(l);
  const Shape& in = b.shape(x);
  if (in.size() < 3)
    fail("{}: input '{}' has rank {}, needs N, C, spatial...", b.where(l), x, in.size());
  if (p.axis() != 1) unsupported("{}: axis {} (only 1) is not supported", b.where(l), p.axis());
  const std::size_t n = in.size() - 2;
  const auto kernel = spatial(b, l, "kernel", p.kernel_size(), p.has_kernel_h() || p.has_kernel_w(),
                              p.kernel_h(), p.kernel_w(), 0, n);
  for (auto k : kernel)
    if (k <= 0) fail("{}: kernel size must be positive", b.where(l));
  const auto pad =
      spatial(b, l, "pad", p.pad(), p.has_pad_h() || p.has_pad_w(), p.pad_h(), p.pad_w(), 0, n);
  const auto stride = spatial(b, l, "stride", p.stride(), p.has_stride_h() || p.has_stride_w(),
                              p.stride_h(), p.stride_w(), 1, n);
  const auto dilation = spatial(b, l, "dilation", p.dilation(), false, 0, 0, 1, n);
  const std::int64_t group = p.group();
  const std::int64_t out_c = p.num_output();
  const std::int64_t in_c = in[1];
  if (group <= 0 || out_c <= 0 || in_c % group != 0 || out_c % group != 0) {
    fail("{}: num_output {} and input channels {} must be positive multiples of group {}",
         b.where(l), out_c, in_c, group);
  }
  Shape wshape = transposed ? Shape{in_c, out_c / group} : Shape{out_c, in_c / group};
  wshape.insert(wshape.end(), kernel.begin(), kernel.end());
  std::vector<std::string> inputs = {
      x, b.constant(l.name() + "/weight", b.blob(l, 0, wshape, "weight"))};
  if (p.bias_term())
    inputs.push_back(b.constant(l.name() + "/bias", b.blob(l, 1, {out_c}, "bias")));
  Attributes a;
  a.set("kernel_shape", kernel);
  std::vector<std::int64_t> pads = pad;
  pads.insert(pads.end(), pad.begin(), pad.end());
  a.set("pads", pads);
  a.set("strides", stride);
  a.set("dilations", dilation);
  a.set("group", group);
  b.add(l, transposed ? "ConvTranspose" : "Conv", inputs, {b.top(l)}, a);
}

}  // namespace

INFERLAB_CAFFE_LAYER("Convolution", [](Builder& b, const Layer& l) { convert_conv(b, l, false); });
INFERLAB_CAFFE_LAYER("Deconvolution", [](Builder& b, const Layer& l) { convert_conv(b, l, true); });

}  // namespace inferlab::caffe_import
