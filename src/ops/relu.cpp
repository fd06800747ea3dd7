// Relu: y = max(x, 0). The template for an operator file: inference + reference kernel.
// Opset 14 added signed integer types; any numeric type is accepted here.
#include "ops/op_util.h"

namespace inferlab {
namespace {

void infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });  // Unsupported otherwise
  ops::set_output(out[0], in[0]->dtype, in[0]->shape);
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    const T* x = in[0].data<T>();
    T* y = out[0].data<T>();
    for (std::int64_t i = 0; i < in[0].numel(); ++i)
      y[i] = x[i] < T(0) ? T(0) : x[i];  // NaN passes through, as in numpy
  });
}

}  // namespace

INFERLAB_REGISTER_OP({"Relu", infer, run});

}  // namespace inferlab
