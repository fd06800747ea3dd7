// OpenVINO IR import: the input is the IR's XML, then optionally the weights marker
// (fuzz_util.h) and the .bin the Const layers point into; imported by import_openvino, then
// shape inference and a reference run as for ONNX (onnx_case.h). Without weights, the .bin is
// an empty file (so no Const can be read, and a previous input's .bin is never used).
#include "frontends/openvino/ir_importer.h"
#include "onnx_case.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace inferlab::fuzz;
  ModelAndWeights in = split_model_and_weights(data, size);
  in.has_weights = true;  // missing weights: an empty .bin
  const std::string bin = write_model_and_weights(in, "net.xml", "w.bin");
  try {
    run_graph_case(inferlab::import_openvino((scratch_dir() / "net.xml").string(), bin),
                   "reference");
  } catch (const inferlab::Error&) {
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
