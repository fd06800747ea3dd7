// The README's C++ example: read a model, compile it, run one inference, print the outputs.
// Input i is filled with the value i + 1 so that a caller can check the result.
#include <inferlab/inferlab.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODEL.onnx\n", argv[0]);
    return 2;
  }
  try {
    inferlab::Core core;
    inferlab::Model model = core.read_model(argv[1]);
    inferlab::CompileOptions options;
    options.engine = inferlab::Engine::optimized;
    options.hint = inferlab::PerformanceHint::latency;
    inferlab::CompiledModel compiled = core.compile_model(model, options);

    inferlab::InferRequest request = compiled.create_infer_request();
    float value = 1;
    for (const inferlab::PortInfo& in : compiled.inputs()) {
      inferlab::Tensor t(in.dtype, in.shape);  // zero-initialised
      for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = value;
      request.set_tensor(in.name, t);
      value += 1;
    }
    request.infer();

    for (const inferlab::PortInfo& out : compiled.outputs()) {
      const inferlab::Tensor y = request.get_tensor(out.name);
      std::printf("%s %s:", out.name.c_str(), inferlab::shape_str(y.shape()).c_str());
      for (std::int64_t i = 0; i < y.numel() && i < 5; ++i) std::printf(" %g", y.data<float>()[i]);
      std::printf("\n");
    }
  } catch (const inferlab::Error& e) {
    std::fprintf(stderr, "error (%s): %s\n", inferlab::error_code_name(e.code()), e.what());
    return 2;
  }
  return 0;
}
