// Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at `axis` (default 1) and
// normalised over the flattened tail; from 13 on, over the single `axis` (default -1).
#include <cmath>
#include <limits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::require_float(in[0]);
  normalize_axis(n.attrs.get_int("axis", n.opset < 13 ? 1 : -1),
                 std::max<std::size_t>(in[0]->shape.size(), 1), "axis");
  ops::set_output(out[0], DType::f32, in[0]->shape);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  const bool legacy = n.opset < 13;
  const int axis = normalize_axis(n.attrs.get_int("axis", legacy ? 1 : -1),
                                  std::max<std::size_t>(s.size(), 1), "axis");
  std::int64_t outer = 1, dim = 1, inner = 1;
  for (int i = 0; i < static_cast<int>(s.size()); ++i) {
    if (i < axis) {
      outer *= s[i];
    } else if (i == axis || legacy) {
      dim *= s[i];
    } else {
      inner *= s[i];
    }
  }
  const bool log = n.op_type == "LogSoftmax";
  const float* x = in[0].data<float>();
  float* y = out[0].data<float>();
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t i = 0; i < inner; ++i) {
      const std::int64_t base = o * dim * inner + i;
      float mx = -std::numeric_limits<float>::infinity();
      for (std::int64_t k = 0; k < dim; ++k) mx = std::max(mx, x[base + k * inner]);
      double sum = 0;
      for (std::int64_t k = 0; k < dim; ++k)
        sum += std::exp(static_cast<double>(x[base + k * inner] - mx));
      for (std::int64_t k = 0; k < dim; ++k) {
        const double v = x[base + k * inner] - mx;
        y[base + k * inner] = static_cast<float>(log ? v - std::log(sum) : std::exp(v) / sum);
      }
    }
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"Softmax", infer, run});
INFERLAB_REGISTER_OP({"LogSoftmax", infer, run});
}  // namespace inferlab
