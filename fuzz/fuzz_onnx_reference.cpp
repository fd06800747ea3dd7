// ONNX import + shape inference + reference-engine run (docs/reliability.md).
#include "onnx_case.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  inferlab::fuzz::run_onnx_case(data, size, "reference");
  return 0;
}
