// Builds one convolution primitive in the API of the oneDNN version compiled against.
#include "conv_primitive.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
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

// The int8 bias: 2.x adds an s32 bias to the accumulator before the output scale; 3.x adds the
// bias after the source and weight scales, in real units, so there it is f32 (the engine's s32
// bias times src_scale * wei_scale[m]; onednn_layers --check shows both compute the same).
constexpr dt kInt8Bias = DNNL_VERSION_MAJOR >= 3 ? dt::f32 : dt::s32;

Types types_of(Kind kind) {
  switch (kind) {
    case Kind::bf16_direct:
      return {dt::bf16, dt::bf16, dt::f32, dt::bf16};
    case Kind::i8_direct:
      return {dt::u8, dt::s8, kInt8Bias, dt::u8};
    default:
      return {dt::f32, dt::f32, dt::f32, dt::f32};
  }
}

// Deterministic small values by logical index (so every version and layout computes the same
// convolution, which onednn_layers --check compares): finite, no denormals (they could slow
// some paths down), exact in the type. Weights are symmetric around 0, activations not.
template <typename T>
void fill_typed(void* data, std::size_t n, bool weights) {
  auto* p = static_cast<T*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    // A multiplicative hash of the index: regular patterns would cancel out in the sums.
    const auto h = static_cast<unsigned>((static_cast<std::uint64_t>(i) * 2654435761u) >> 7);
    const int a = static_cast<int>(h % 17), w = static_cast<int>(h % 15) - 7;
    if constexpr (std::is_same_v<T, float>)
      p[i] = static_cast<float>(weights ? w : a - 6) / 64.f;
    else
      p[i] = static_cast<T>(weights ? w : a);
  }
}

void fill_plain(memory& mem, dt type, bool weights) {
  const std::size_t bytes = mem.get_desc().get_size();
  void* data = mem.get_data_handle();
  switch (type) {
    case dt::f32:
      fill_typed<float>(data, bytes / 4, weights);
      break;
    case dt::s32:
      fill_typed<std::int32_t>(data, bytes / 4, true);
      break;
    case dt::s8:
      fill_typed<std::int8_t>(data, bytes, weights);
      break;
    case dt::u8:
      fill_typed<std::uint8_t>(data, bytes, false);
      break;
    case dt::bf16: {  // exact: k / 64 with |k| <= 16 has few mantissa bits
      std::vector<float> f(bytes / 2);
      fill_typed<float>(f.data(), f.size(), weights);
      auto* p = static_cast<std::uint16_t*>(data);
      for (std::size_t i = 0; i < f.size(); ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, &f[i], 4);
        p[i] = static_cast<std::uint16_t>(bits >> 16);
      }
      break;
    }
    default:
      break;
  }
}

// A memory in the primitive's layout `md`, filled through a plain one of the same type.
memory filled(const dnnl::engine& eng, dnnl::stream& stream, const memory::desc& md,
              const memory::dims& dims, dt type, tag plain_tag, bool weights) {
  memory plain({dims, type, plain_tag}, eng);
  fill_plain(plain, type, weights);
  memory mem(md, eng);
  dnnl::reorder(plain, mem).execute(stream, plain, mem);
  stream.wait();
  return mem;
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
  // dst_scale keeps the u8 outputs spread over 0..~150 rather than saturated or all zero (the
  // accumulator grows like the square root of the reduction length), so that --check says more.
  const float src_scale = 0.02f;
  const float dst_scale = src_scale * 0.004f * std::sqrt(static_cast<float>(s.ic * s.k * s.k)) / 2;
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
  dnnl::stream stream(eng);
  conv.args.emplace(DNNL_ARG_SRC, filled(eng, stream, pd.src_desc(),
                                         {batch, s.ic, s.in_hw, s.in_hw}, t.src, tag::nchw, false));
  conv.args.emplace(DNNL_ARG_WEIGHTS, filled(eng, stream, pd.weights_desc(), {s.oc, s.ic, s.k, s.k},
                                             t.wei, tag::oihw, true));
  conv.args.emplace(DNNL_ARG_BIAS,
                    filled(eng, stream, pd.bias_desc(), {s.oc}, t.bias, tag::x, true));
#if DNNL_VERSION_MAJOR >= 3
  if (int8) {  // the same s32 values as 2.x gets, in real units
    std::vector<std::int32_t> q(wei_scales.size());
    fill_typed<std::int32_t>(q.data(), q.size(), true);
    auto* b = static_cast<float*>(conv.args.at(DNNL_ARG_BIAS).get_data_handle());
    for (std::size_t m = 0; m < q.size(); ++m) b[m] = q[m] * src_scale * wei_scales[m];
  }
#endif
  conv.args.emplace(DNNL_ARG_DST, memory(pd.dst_desc(), eng));
  conv.dst_dims = {batch, s.oc, oh, oh};
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

std::vector<float> plain_output(const dnnl::engine& eng, Conv& conv) {
  dnnl::stream stream(eng);
  conv.prim.execute(stream, conv.args);
  memory& dst = conv.args.at(DNNL_ARG_DST);
  memory plain({conv.dst_dims, dt::f32, tag::nchw}, eng);
  dnnl::reorder(dst, plain).execute(stream, dst, plain);
  stream.wait();
  const auto* p = static_cast<const float*>(plain.get_data_handle());
  return std::vector<float>(p, p + plain.get_desc().get_size() / sizeof(float));
}

}  // namespace onednn_layers
