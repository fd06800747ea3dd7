// MatMulIntegerToFloat (com.microsoft; 2-D, constant s8 B with zero point 0, per-tensor or
// per-column scales) as a oneDNN int8 matmul with an f32 destination: u8/s8 A with its zero
// point (runtime attribute), output scales a_scale * b_scale[n]. oneDNN 2.x adds the bias to the
// accumulator before the output scale, so it gets bias[n] / (a_scale * b_scale[n]): the result
// equals the reference kernel's acc * scale + bias up to float rounding. Anything else
// (batched, B zero points, non-constant parameters) runs the reference kernel.
#include "kernels/onednn/onednn.h"
#include "ops/quant_util.h"

namespace inferlab::onednn {
namespace {

using dt = dnnl::memory::data_type;

const Tensor* constant_input(const Node& n, const Graph& g, std::size_t i) {
  if (!n.has_input(i)) return nullptr;
  const Value& v = g.value(n.inputs[i]);
  return v.constant ? &*v.constant : nullptr;
}

}  // namespace

// Inputs: 0 A, 1 B, 2 a_scale, 3 b_scale, 4 a_zero_point, 5 b_zero_point, 6 bias.
std::optional<Built> build_matmul_integer_to_float(const Node& n, const BuildContext& c) {
  const Graph& g = c.graph;
  if (n.inputs.size() < 4 || !n.has_input(0) || c.in[0].data.ndims == 0) return std::nullopt;
  const Value& av = g.value(n.inputs[0]);
  const Value& bv = g.value(n.inputs[1]);
  if ((av.dtype != DType::u8 && av.dtype != DType::i8) || bv.dtype != DType::i8 || !bv.constant ||
      av.shape.size() != 2 || bv.shape.size() != 2)
    return std::nullopt;
  const Tensor *as = constant_input(n, g, 2), *bs = constant_input(n, g, 3),
               *az = constant_input(n, g, 4), *bz = constant_input(n, g, 5),
               *bias = constant_input(n, g, 6);
  if (!as || !bs || (n.has_input(4) && !az) || (n.has_input(5) && !bz) || (n.has_input(6) && !bias))
    return std::nullopt;
  if (bz)
    for (std::int32_t z : ops::int_values(*bz))
      if (z != 0) return std::nullopt;  // oneDNN has no weight zero points
  const std::int64_t M = av.shape[0], K = av.shape[1], N = bv.shape[1];
  const auto b_scale = ops::float_values(*bs);
  const float a_scale = ops::float_values(*as)[0];
  std::vector<float> scales(static_cast<std::size_t>(N));
  for (std::size_t j = 0; j < scales.size(); ++j)
    scales[j] = a_scale * b_scale[b_scale.size() == 1 ? 0 : j];
  const std::int32_t a_zp = az ? ops::int_values(*az)[0] : 0;

  dnnl::primitive_attr attr = scratch_attr();
  attr.set_output_scales(1 << 1, scales);
  if (a_zp != 0) attr.set_zero_points(DNNL_ARG_SRC, 0, {DNNL_RUNTIME_S32_VAL});
  const md src({M, K}, av.dtype == DType::u8 ? dt::u8 : dt::s8, tag::ab);
  const md w_any({K, N}, dt::s8, tag::any), dst({M, N}, dt::f32, tag::ab);
  const md b_md({1, N}, dt::f32, tag::ab);
  dnnl::matmul::primitive_desc pd;
  try {
    pd = bias ? dnnl::matmul::primitive_desc({src, w_any, b_md, dst}, attr, c.eng)
              : dnnl::matmul::primitive_desc({src, w_any, dst}, attr, c.eng);
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  Built b;
  b.prim = dnnl::matmul(pd);
  b.impl = pd.impl_info_str();
  b.precision = "i8";  // int8 products; only the result is f32
  b.inputs.push_back({0, DNNL_ARG_SRC, pd.src_desc()});
  b.dst = pd.dst_desc();
  b.scratchpad = pd.scratchpad_desc();
  b.constants[DNNL_ARG_WEIGHTS] =
      reorder_constant(c.eng, *bv.constant, md({K, N}, dt::s8, tag::ab), pd.weights_desc());
  if (bias) {
    Tensor acc_bias(DType::f32, {1, N});
    for (std::int64_t j = 0; j < N; ++j)
      acc_bias.data<float>()[j] = bias->data<float>()[j] / scales[static_cast<std::size_t>(j)];
    b.constants[DNNL_ARG_BIAS] = reorder_constant(c.eng, acc_bias, b_md, pd.bias_desc());
  }
  if (a_zp != 0) {
    dnnl::memory m(md({1}, dt::s32, tag::x), c.eng);
    *static_cast<std::int32_t*>(m.get_data_handle()) = a_zp;
    b.constants[DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC] = m;
  }
  return b;
}

}  // namespace inferlab::onednn
