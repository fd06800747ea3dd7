// Builds one convolution primitive in the API of the oneDNN version compiled against.
#include "conv_primitive.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace onednn_layers {

using dnnl::algorithm;
using dnnl::memory;
using dt = memory::data_type;
using tag = memory::format_tag;

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::f32_direct:
      return "f32";
    case Kind::f32_winograd:
      return "f32wino";
    case Kind::bf16_direct:
      return "bf16";
    case Kind::i8_direct:
      return "i8";
  }
  return "?";
}

bool parse_kind(const std::string& text, Kind& kind) {
  for (Kind k : {Kind::f32_direct, Kind::f32_winograd, Kind::bf16_direct, Kind::i8_direct})
    if (text == kind_name(k)) {
      kind = k;
      return true;
    }
  return false;
}

const char* layout_name(Layout layout) {
  return layout == Layout::any ? "any" : "nChw16c";
}

namespace {

struct Types {
  dt src, wei, bias, dst;
};

Types types_of(Kind kind) {
  switch (kind) {
    case Kind::bf16_direct:
      return {dt::bf16, dt::bf16, dt::f32, dt::bf16};
    case Kind::i8_direct:
      return {dt::u8, dt::s8, dt::s32, dt::u8};
    default:
      return {dt::f32, dt::f32, dt::f32, dt::f32};
  }
}

// Small finite values (no denormals, no NaN) whatever the layout: the timing of a convolution
// does not depend on the data, but denormal or NaN inputs could slow some paths down.
void fill(memory& mem, dt type) {
  const std::size_t bytes = mem.get_desc().get_size();
  auto* p = static_cast<std::uint8_t*>(mem.get_data_handle());
  for (std::size_t i = 0; i < bytes;) {
    const float v = 0.01f * static_cast<float>(static_cast<int>(i / 4 % 13) - 6);
    if (type == dt::f32 || type == dt::s32) {
      if (bytes - i < 4) break;
      if (type == dt::f32) {
        std::memcpy(p + i, &v, 4);
      } else {
        const std::int32_t s = static_cast<std::int32_t>(i / 4 % 200) - 100;
        std::memcpy(p + i, &s, 4);
      }
      i += 4;
    } else if (type == dt::bf16) {
      if (bytes - i < 2) break;
      std::uint32_t bits;
      std::memcpy(&bits, &v, 4);
      const std::uint16_t half = static_cast<std::uint16_t>(bits >> 16);
      std::memcpy(p + i, &half, 2);
      i += 2;
    } else {  // u8 / s8: 0..16 is valid in both
      p[i] = static_cast<std::uint8_t>(i * 7 % 17);
      i += 1;
    }
  }
}

memory::desc act_desc(memory::dims dims, dt type, Layout layout, int channels) {
  const bool blocked = layout == Layout::nChw16c && type != dt::u8 && channels % 16 == 0;
  return memory::desc(dims, type, blocked ? tag::nChw16c : tag::any);
}

}  // namespace

Conv make_conv(const dnnl::engine& eng, const ConvShape& s, int batch, Kind kind, Layout layout) {
  const Types t = types_of(kind);
  const int oh = s.out_hw();
  const memory::desc src_md = act_desc({batch, s.ic, s.in_hw, s.in_hw}, t.src, layout, s.ic);
  const memory::desc wei_md({s.oc, s.ic, s.k, s.k}, t.wei, tag::any);
  const memory::desc bias_md({s.oc}, t.bias, tag::x);
  const memory::desc dst_md = act_desc({batch, s.oc, oh, oh}, t.dst, layout, s.oc);
  const memory::dims strides{s.stride, s.stride}, pad{s.pad(), s.pad()};
  const algorithm algo =
      kind == Kind::f32_winograd ? algorithm::convolution_winograd : algorithm::convolution_direct;
  const bool int8 = kind == Kind::i8_direct;

  dnnl::primitive_attr attr;
  dnnl::post_ops po;
  // The int8 rescale x_scale * w_scale[m] / y_scale, per output channel as the engine has it.
  const float src_scale = 0.02f, dst_scale = 0.05f;
  std::vector<float> wei_scales(static_cast<std::size_t>(s.oc));
  for (std::size_t m = 0; m < wei_scales.size(); ++m) wei_scales[m] = 0.001f * (1 + m % 7);
#if DNNL_VERSION_MAJOR >= 3
  po.append_eltwise(algorithm::eltwise_relu, 0.f, 0.f);
  if (int8) {
    attr.set_scales_mask(DNNL_ARG_SRC, 0);
    attr.set_scales_mask(DNNL_ARG_WEIGHTS, 1 << 0);  // weights dimension 0: output channel
    attr.set_scales_mask(DNNL_ARG_DST, 0);
  }
  attr.set_post_ops(po);
  const dnnl::convolution_forward::primitive_desc pd(eng, dnnl::prop_kind::forward_inference, algo,
                                                     src_md, wei_md, bias_md, dst_md, strides, pad,
                                                     pad, attr);
#else
  po.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
  if (int8) {
    std::vector<float> out_scales(wei_scales.size());
    for (std::size_t m = 0; m < out_scales.size(); ++m)
      out_scales[m] = src_scale * wei_scales[m] / dst_scale;
    attr.set_output_scales(1 << 1, out_scales);  // destination dimension 1: channel
  }
  attr.set_post_ops(po);
  const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_inference, algo, src_md,
                                             wei_md, bias_md, dst_md, strides, pad, pad);
  const dnnl::convolution_forward::primitive_desc pd(desc, attr, eng);
#endif

  Conv conv;
  conv.prim = dnnl::convolution_forward(pd);
  conv.impl = pd.impl_info_str();
  const struct {
    int arg;
    memory::desc md;
    dt type;
  } operands[] = {{DNNL_ARG_SRC, pd.src_desc(), t.src},
                  {DNNL_ARG_WEIGHTS, pd.weights_desc(), t.wei},
                  {DNNL_ARG_BIAS, pd.bias_desc(), t.bias},
                  {DNNL_ARG_DST, pd.dst_desc(), t.dst}};
  for (const auto& o : operands) {
    memory mem(o.md, eng);
    fill(mem, o.type);
    conv.args.emplace(o.arg, mem);
  }
#if DNNL_VERSION_MAJOR >= 3
  if (int8) {
    auto scales = [&](int arg, const std::vector<float>& values) {
      memory mem({{static_cast<memory::dim>(values.size())}, dt::f32, tag::x}, eng);
      std::memcpy(mem.get_data_handle(), values.data(), values.size() * sizeof(float));
      conv.args.emplace(DNNL_ARG_ATTR_SCALES | arg, mem);
    };
    scales(DNNL_ARG_SRC, {src_scale});
    scales(DNNL_ARG_WEIGHTS, wei_scales);
    scales(DNNL_ARG_DST, {dst_scale});
  }
#endif
  return conv;
}

}  // namespace onednn_layers
