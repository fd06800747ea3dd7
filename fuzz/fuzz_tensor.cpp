// Tensor files: an ONNX TensorProto (.pb) or a NumPy array (.npy). The first byte picks the
// format, so one corpus covers both.
#include <new>

#include "fuzz_util.h"
#include "inferlab/error.h"
#include "inferlab/lab/tensor_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace inferlab;
  // .npy files start with "\x93NUMPY"; anything else is tried as a TensorProto.
  const bool npy = size > 0 && data[0] == 0x93;
  const std::string path = fuzz::scratch_file(npy ? "t.npy" : "t.pb", data, size);
  try {
    const Tensor t = read_tensor_file(path);
    if (t.nbytes() && !t.raw()) __builtin_trap();
  } catch (const Error&) {
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
