// Caffe net (.prototxt) + weights (.caffemodel) -> inferlab Graph. Parsing and the old V1 layer
// format are handled here; each layer family's conversion lives in its own caffe_*.cpp file.
#include "frontends/caffe/caffe_importer.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "frontends/caffe/caffe_builder.h"
#include "frontends/caffe/caffe_v1.h"

namespace inferlab {

namespace {

namespace fs = std::filesystem;
namespace pb = google::protobuf;
using caffe_import::Builder;
using caffe_import::Layer;

// Keeps the first syntax error with its position (protobuf counts lines and columns from 0).
class FirstError : public pb::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (text.empty()) text = fmt::format("line {}, column {}: {}", line + 1, column + 1, message);
  }
  std::string text;
};

caffe::NetParameter read_prototxt(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail(ErrorCode::io, "{}: no such Caffe model file", path);
  std::ifstream in(path);
  if (!in) fail(ErrorCode::io, "{}: cannot open", path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  caffe::NetParameter net;
  FirstError errors;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.AllowUnknownField(true);  // learning rates, fillers, data-layer settings: not needed
  if (!parser.ParseFromString(text, &net)) {
    fail("{}: not a valid Caffe prototxt: {}", path,
         errors.text.empty() ? "the text does not parse" : errors.text);
  }
  return net;
}

caffe::NetParameter read_caffemodel(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail(ErrorCode::io, "{}: no such Caffe weights file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::io, "{}: cannot open", path);
  caffe::NetParameter net;
  if (!net.ParseFromIstream(&in)) {
    fail("{}: not a valid .caffemodel (the protobuf does not parse: truncated or not Caffe)", path);
  }
  if (net.layer_size() == 0 && net.layers_size() == 0)
    fail("{}: not a valid .caffemodel (no layers)", path);
  return net;
}

Shape shape_of(const caffe::BlobShape& s) {
  return Shape(s.dim().begin(), s.dim().end());
}

// Inputs declared at the net level (input + input_shape or 4 input_dim each).
void add_net_inputs(Builder& b, const caffe::NetParameter& net, const std::string& file) {
  for (int i = 0; i < net.input_size(); ++i) {
    Shape shape;
    if (i < net.input_shape_size()) {
      shape = shape_of(net.input_shape(i));
    } else if (net.input_dim_size() >= 4 * (i + 1)) {
      shape.assign(net.input_dim().begin() + 4 * i, net.input_dim().begin() + 4 * (i + 1));
    } else {
      fail("{}: input '{}' has no shape (input_shape or 4 input_dim values)", file, net.input(i));
    }
    b.add_input(net.input(i), shape);
  }
}

void convert_input_layer(Builder& b, const Layer& l) {
  const auto& p = l.input_param();
  if (l.top_size() == 0) fail("{}: has no top blob", b.where(l));
  for (int i = 0; i < l.top_size(); ++i) {
    if (p.shape_size() == 0) fail("{}: input_param gives no shape", b.where(l));
    const auto& s = p.shape(p.shape_size() == 1 ? 0 : std::min(i, p.shape_size() - 1));
    b.add_input(l.top(i), shape_of(s));
  }
}

void check_supported(const std::vector<Layer>& layers, const std::string& file) {
  std::vector<std::string> missing;
  std::set<std::string> seen;
  for (const auto& l : layers) {
    if (l.type() == "Input" || caffe_import::converters().count(l.type())) continue;
    if (seen.insert(l.type()).second)
      missing.push_back(fmt::format("{} (first layer '{}')", l.type(), l.name()));
  }
  if (!missing.empty()) {
    unsupported("{}: unsupported Caffe layer types: {}", file, fmt::join(missing, ", "));
  }
}

}  // namespace

std::string caffe_weights_beside(const std::string& prototxt) {
  const fs::path p(prototxt);
  const fs::path same = fs::path(p).replace_extension(".caffemodel");
  std::error_code ec;
  if (fs::is_regular_file(same, ec)) return same.string();
  std::vector<fs::path> found;
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".caffemodel" && name.rfind(p.stem().string(), 0) == 0)
      found.push_back(e.path());
  }
  return found.size() == 1 ? found[0].string() : "";
}

std::shared_ptr<Graph> import_caffe(const std::string& prototxt, const std::string& weights) {
  const caffe::NetParameter net = read_prototxt(prototxt);
  const std::vector<Layer> layers = caffe_import::net_layers(net, prototxt);
  check_supported(layers, prototxt);

  const std::string wfile = weights.empty() ? caffe_weights_beside(prototxt) : weights;
  caffe::NetParameter trained;
  if (!wfile.empty()) {
    trained = read_caffemodel(wfile);
  } else if (caffe_import::needs_weights(layers)) {
    fail("{}: no weights: give --weights FILE.caffemodel (none found beside the prototxt)",
         prototxt);
  }
  const std::vector<Layer> trained_layers = caffe_import::net_layers(trained, wfile);

  auto g = std::make_shared<Graph>();
  g->name = net.name();
  g->opset = 13;  // the ONNX semantics the converters emit (Softmax on one axis, Split input)
  Builder b(*g, prototxt);
  // Blobs in the prototxt itself, overridden by the trained ones of the same layer name.
  for (const auto* source : {&layers, &trained_layers}) {
    for (const auto& l : *source) {
      std::vector<const caffe::BlobProto*> blobs;
      for (const auto& blob : l.blobs()) blobs.push_back(&blob);
      if (!blobs.empty()) b.set_blobs(l.name(), std::move(blobs));
    }
  }

  add_net_inputs(b, net, prototxt);
  for (const auto& l : layers) {
    if (l.type() == "Input") {
      convert_input_layer(b, l);
      continue;
    }
    b.consume(l);
    caffe_import::converters().at(l.type())(b, l);
  }
  if (g->inputs.empty()) fail("{}: the net declares no input", prototxt);
  g->outputs = b.outputs();
  if (g->outputs.empty()) fail("{}: the net has no output blob", prototxt);
  // Shapes were inferred for the declared input shapes; compiling infers them again for the
  // batch and shapes it is given, as for an imported ONNX model.
  std::vector<std::string> computed;
  for (const auto& [name, v] : g->values())
    if (!v.constant && std::find(g->inputs.begin(), g->inputs.end(), name) == g->inputs.end())
      computed.push_back(name);
  for (const auto& name : computed) g->value(name).known = false;
  try {
    g->topo_sort();
  } catch (const Error& e) {
    fail("{}: {}", prototxt, e.what());
  }
  return g;
}

}  // namespace inferlab
