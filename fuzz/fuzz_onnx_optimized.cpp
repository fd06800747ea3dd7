// ONNX import + compile on the optimized (oneDNN) engine + run (docs/reliability.md).
#include "onnx_case.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  inferlab::fuzz::run_onnx_case(data, size, "optimized");
  return 0;
}
