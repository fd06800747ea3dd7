// Relu: y = max(x, 0). The template for an operator file: inference + reference kernel.
#include "ops/registry.h"

namespace inferlab {
namespace {

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  if (in.size() != 1 || !in[0]) fail("expects 1 input");
  if (in[0]->dtype != DType::f32)
    unsupported("input type {} not supported", dtype_name(in[0]->dtype));
  out[0]->dtype = in[0]->dtype;
  out[0]->shape = in[0]->shape;
  out[0]->known = true;
}

void run(const Node&, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const float* x = in[0].data<float>();
  float* y = out[0].data<float>();
  for (std::int64_t i = 0; i < in[0].numel(); ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
}

}  // namespace

INFERLAB_REGISTER_OP({"Relu", infer, run});

}  // namespace inferlab
