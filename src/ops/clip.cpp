// Clip: y = min(max(x, lo), hi). Bounds are float attributes before opset 11 (float inputs only
// then), optional scalar inputs of x's type from opset 11 on. min > max yields max, as specified.
#include <limits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, n.opset < 11 ? 1 : 3);
  if (n.opset < 11) ops::require_float(in[0]);
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });
  for (std::size_t i = 1; i < in.size(); ++i) {
    if (!in[i]) continue;
    if (in[i]->dtype != in[0]->dtype) fail("bound {} has a different type than the input", i);
    if (shape_numel(in[i]->shape) != 1) fail("bound {} must be a scalar", i);
  }
  ops::set_output(out[0], in[0]->dtype, in[0]->shape);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
    if (n.opset < 11) {  // float only (checked by infer)
      lo = static_cast<T>(n.attrs.get_float("min", std::numeric_limits<float>::lowest()));
      hi = static_cast<T>(n.attrs.get_float("max", std::numeric_limits<float>::max()));
    } else {
      if (in.size() > 1 && !in[1].empty()) lo = in[1].data<T>()[0];
      if (in.size() > 2 && !in[2].empty()) hi = in[2].data<T>()[0];
    }
    const T* x = in[0].data<T>();
    T* y = out[0].data<T>();
    for (std::int64_t i = 0; i < in[0].numel(); ++i) {
      const T v = x[i] < lo ? lo : x[i];  // comparisons let NaN through, as in numpy
      y[i] = hi < v ? hi : v;
    }
  });
}

}  // namespace
INFERLAB_REGISTER_OP({"Clip", infer, run});
}  // namespace inferlab
