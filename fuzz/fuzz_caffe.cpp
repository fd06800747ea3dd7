// Caffe import: the input is a net description (protobuf text, V1 `layers` or `layer`), then
// optionally the weights marker (fuzz_util.h) and a binary .caffemodel; imported by
// import_caffe, then shape inference and a reference run as for ONNX (onnx_case.h).
#include "frontends/caffe/caffe_importer.h"
#include "onnx_case.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace inferlab::fuzz;
  const ModelAndWeights in = split_model_and_weights(data, size);
  const std::string weights = write_model_and_weights(in, "net.prototxt", "w.caffemodel");
  try {
    run_graph_case(inferlab::import_caffe((scratch_dir() / "net.prototxt").string(), weights),
                   "reference");
  } catch (const inferlab::Error&) {
  } catch (const std::bad_alloc&) {
  }
  return 0;
}
