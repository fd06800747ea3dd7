#pragma once
// Sliding-window geometry shared by Conv, ConvTranspose and the pooling ops: kernel, strides,
// dilations and pads resolved from attributes (incl. auto_pad and ceil_mode).
#include "ops/op_util.h"

namespace inferlab::ops {

struct Window {
  std::vector<std::int64_t> kernel, strides, dilations;
  std::vector<std::int64_t> pad_begin, pad_end;
  std::vector<std::int64_t> out;  // output spatial dims
};

// `in` are the input's spatial dims, `kernel` the kernel's (from the weight or kernel_shape).
inline Window make_window(const Node& n, const std::vector<std::int64_t>& in,
                          const std::vector<std::int64_t>& kernel, bool ceil_mode = false) {
  const std::size_t r = in.size();
  Window w;
  w.kernel = kernel;
  w.strides = n.attrs.get_ints("strides", std::vector<std::int64_t>(r, 1));
  w.dilations = n.attrs.get_ints("dilations", std::vector<std::int64_t>(r, 1));
  auto pads = n.attrs.get_ints("pads", std::vector<std::int64_t>(2 * r, 0));
  if (w.kernel.size() != r || w.strides.size() != r || w.dilations.size() != r ||
      pads.size() != 2 * r) {
    fail("kernel/strides/dilations/pads do not match {} spatial dimensions", r);
  }
  for (std::size_t i = 0; i < r; ++i) {
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1)
      fail("kernel, strides and dilations must be positive");
    if (pads[i] < 0 || pads[i + r] < 0) fail("negative pads are not supported");
  }
  const std::string auto_pad = n.attrs.get_string("auto_pad", "NOTSET");
  w.pad_begin.assign(pads.begin(), pads.begin() + r);
  w.pad_end.assign(pads.begin() + r, pads.end());
  w.out.resize(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t ek = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      w.out[i] = (in[i] + w.strides[i] - 1) / w.strides[i];
      const std::int64_t total =
          std::max<std::int64_t>(0, (w.out[i] - 1) * w.strides[i] + ek - in[i]);
      w.pad_begin[i] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pad_end[i] = total - w.pad_begin[i];
      continue;
    }
    if (auto_pad == "VALID") {
      w.pad_begin[i] = w.pad_end[i] = 0;
    } else if (auto_pad != "NOTSET") {
      fail("unknown auto_pad '{}'", auto_pad);
    }
    const std::int64_t span = in[i] + w.pad_begin[i] + w.pad_end[i] - ek;
    if (span < 0)
      fail("kernel extent {} is larger than the padded input {}", ek,
           in[i] + w.pad_begin[i] + w.pad_end[i]);
    w.out[i] = (ceil_mode ? (span + w.strides[i] - 1) / w.strides[i] : span / w.strides[i]) + 1;
    // A window starting entirely in the end padding is dropped (as in PyTorch/ONNX Runtime).
    if (ceil_mode && (w.out[i] - 1) * w.strides[i] >= in[i] + w.pad_begin[i]) --w.out[i];
  }
  return w;
}

// Spatial dims of an N, C, spatial... shape.
inline std::vector<std::int64_t> spatial(const Shape& s) {
  return {s.begin() + 2, s.end()};
}

// Iterates all spatial output positions (row-major) calling f(flat_index, position).
template <typename F>
void for_each_position(const std::vector<std::int64_t>& dims, F&& f) {
  std::vector<std::int64_t> pos(dims.size(), 0);
  std::int64_t total = 1;
  for (auto d : dims) total *= d;
  for (std::int64_t k = 0; k < total; ++k) {
    f(k, pos);
    for (std::size_t d = dims.size(); d-- > 0;) {
      if (++pos[d] < dims[d]) break;
      pos[d] = 0;
    }
  }
}

}  // namespace inferlab::ops
