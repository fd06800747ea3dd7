// OpenVINO IR (.xml + .bin) -> inferlab Graph. This file reads the XML (layers, ports, edges),
// the constants and the graph's inputs and outputs; each op family converts in its own file.
#include "frontends/openvino/ir_importer.h"

#include <filesystem>
#include <fstream>
#include <queue>
#include <set>

#include "frontends/openvino/ir_builder.h"
#include "frontends/openvino/ir_fold_bias.h"

namespace inferlab {

namespace {

namespace fs = std::filesystem;
using ir_import::IrBuilder;
using ir_import::IrLayer;

DType element_type(const std::string& t, const std::string& what) {
  static const std::map<std::string, DType> kTypes = {
      {"f32", DType::f32}, {"f16", DType::f16}, {"bf16", DType::bf16}, {"i64", DType::i64},
      {"i32", DType::i32}, {"i8", DType::i8},   {"u8", DType::u8},     {"boolean", DType::boolean}};
  auto it = kTypes.find(t);
  if (it == kTypes.end()) unsupported("{}: element type '{}' is not supported", what, t);
  return it->second;
}

// A Parameter's shape: "1,3,224,224"; "?", "-1" or a range "1..8" mark a dynamic dimension,
// fixed later by --batch/--shape like an ONNX model's symbolic dimensions.
Shape parameter_shape(IrBuilder& b, const IrLayer& l) {
  Shape shape;
  const std::string text = b.attr(l, "shape", "");
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string d = text.substr(start, end - start);
    const bool fixed =
        !d.empty() && d.size() < 16 && d.find_first_not_of("0123456789") == std::string::npos;
    shape.push_back(fixed ? std::stoll(d) : kDynamic);
    if (!fixed && d != "?" && d != "-1" && d.find("..") == std::string::npos)
      fail("{}: bad dimension '{}' in shape '{}'", b.where(l), d, text);
    start = end + 1;
  }
  Shape probe = shape;
  for (auto& d : probe) d = d < 0 ? 1 : d;
  shape_numel(probe, b.where(l));
  return shape;
}

struct BinFile {
  std::string path;
  std::vector<char> bytes;
};

BinFile read_bin(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    fail(ErrorCode::io, "{}: no such IR weights file (.bin)", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::io, "{}: cannot open", path);
  BinFile b{path, std::vector<char>(std::istreambuf_iterator<char>(in), {})};
  return b;
}

Tensor read_const(IrBuilder& b, const IrLayer& l, const BinFile& bin) {
  const std::string what = b.where(l);
  const DType dt = element_type(b.attr(l, "element_type"), what);
  const auto shape = b.ints(l, "shape", {});
  const auto offset = b.int_attr(l, "offset", -1);
  const auto size = b.int_attr(l, "size", -1);
  if (offset < 0 || size < 0) fail("{}: needs non-negative offset and size", what);
  const std::int64_t numel = shape_numel(shape, what);
  if (static_cast<std::int64_t>(dtype_size(dt)) * numel != size)
    fail("{}: size {} does not match shape {} of {}", what, size, shape_str(shape), dtype_name(dt));
  const auto file_size = static_cast<std::int64_t>(bin.bytes.size());
  if (offset > file_size || size > file_size - offset)
    fail("{}: data at offset {} size {} runs past the end of {} ({} bytes)", what, offset, size,
         bin.path, file_size);
  Tensor t(dt, shape);
  std::copy_n(bin.bytes.data() + offset, size, static_cast<char*>(t.raw()));
  return t;
}

// The tensor name of an output port: the first of its "names", else "layer" or "layer.port".
std::string port_value(const pugi::xml_node& port, const std::string& layer, std::size_t count,
                       std::set<std::string>& taken) {
  std::string name = port.attribute("names").value();
  name = name.substr(0, name.find(','));
  if (name.empty() || taken.count(name))
    name = count == 1 ? layer : layer + "." + port.attribute("id").value();
  while (taken.count(name)) name += "_";
  taken.insert(name);
  return name;
}

struct Net {
  std::vector<IrLayer> layers;  // topological order
};

Net read_layers(const pugi::xml_node& net, const std::string& file) {
  std::map<std::string, IrLayer> by_id;
  std::vector<std::string> order;
  std::map<std::pair<std::string, std::string>, std::string> out_value;  // (layer, port)
  std::set<std::string> taken;
  for (auto x : net.child("layers").children("layer")) {
    IrLayer l;
    l.id = x.attribute("id").value();
    l.name = x.attribute("name").value();
    l.type = x.attribute("type").value();
    l.version = x.attribute("version").value();
    l.node = x;
    l.data = x.child("data");
    if (l.id.empty() || l.type.empty()) fail("{}: a layer has no id or type", file);
    if (by_id.count(l.id)) fail("{}: layer id {} is used twice", file, l.id);
    if (l.name.empty()) l.name = l.type + "_" + l.id;
    std::vector<pugi::xml_node> ports;
    for (auto p : x.child("output").children("port")) ports.push_back(p);
    for (auto p : ports) {
      const std::string v = port_value(p, l.name, ports.size(), taken);
      l.outputs.push_back(v);
      out_value[{l.id, p.attribute("id").value()}] = v;
    }
    order.push_back(l.id);
    by_id.emplace(l.id, std::move(l));
  }
  if (by_id.empty()) fail("{}: the IR has no layers", file);
  // Inputs by edges, then layers in topological order (Kahn, stable in file order).
  std::map<std::string, std::set<std::string>> succ;
  std::map<std::string, int> indegree;
  std::map<std::string, std::map<std::string, std::string>> in_port_value;
  for (auto e : net.child("edges").children("edge")) {
    const std::string from = e.attribute("from-layer").value(),
                      fp = e.attribute("from-port").value();
    const std::string to = e.attribute("to-layer").value(), tp = e.attribute("to-port").value();
    auto v = out_value.find({from, fp});
    if (v == out_value.end() || !by_id.count(to))
      fail("{}: edge {}:{} -> {}:{} names a missing layer or port", file, from, fp, to, tp);
    in_port_value[to][tp] = v->second;
    if (succ[from].insert(to).second) ++indegree[to];
  }
  for (auto& [id, l] : by_id) {
    for (auto p : l.node.child("input").children("port")) {
      auto it = in_port_value[id].find(p.attribute("id").value());
      if (it == in_port_value[id].end())
        fail("{}: layer '{}' input port {} has no edge", file, l.name, p.attribute("id").value());
      l.inputs.push_back(it->second);
    }
  }
  Net out;
  std::queue<std::string> ready;
  for (const auto& id : order)
    if (indegree[id] == 0) ready.push(id);
  while (!ready.empty()) {
    const std::string id = ready.front();
    ready.pop();
    out.layers.push_back(by_id.at(id));
    for (const auto& s : succ[id])
      if (--indegree[s] == 0) ready.push(s);
  }
  if (out.layers.size() != by_id.size()) fail("{}: the layers form a cycle", file);
  return out;
}

void check_supported(const Net& net, const std::string& file) {
  std::vector<std::string> missing;
  std::set<std::string> seen;
  for (const auto& l : net.layers) {
    if (l.type == "Parameter" || l.type == "Const" || l.type == "Result" ||
        ir_import::converters().count(l.type))
      continue;
    if (seen.insert(l.type).second)
      missing.push_back(fmt::format("{} (first layer '{}')", l.type, l.name));
  }
  if (!missing.empty())
    unsupported("{}: unsupported OpenVINO operations: {}", file, fmt::join(missing, ", "));
}

}  // namespace

std::shared_ptr<Graph> import_openvino(const std::string& xml, const std::string& bin) {
  std::error_code ec;
  if (!fs::is_regular_file(xml, ec)) fail(ErrorCode::io, "{}: no such OpenVINO IR file", xml);
  pugi::xml_document doc;
  const auto parsed = doc.load_file(xml.c_str());
  if (!parsed) fail("{}: not valid XML at byte {}: {}", xml, parsed.offset, parsed.description());
  const auto net = doc.child("net");
  if (!net) fail("{}: not an OpenVINO IR (no <net> element)", xml);
  const int version = net.attribute("version").as_int();
  if (version != 10 && version != 11)
    unsupported("{}: IR version {} is not supported (10 and 11 are)", xml, version);
  const Net layers = read_layers(net, xml);
  check_supported(layers, xml);
  const BinFile weights =
      read_bin(bin.empty() ? fs::path(xml).replace_extension(".bin").string() : bin);

  auto g = std::make_shared<Graph>();
  g->name = net.attribute("name").value();
  g->opset = 13;
  IrBuilder b(*g, xml);
  for (const auto& l : layers.layers) {
    if (l.type == "Parameter") {
      b.require_inputs(l, 0);
      Value& v = g->add_value(l.outputs.at(0));
      v.dtype = element_type(b.attr(l, "element_type"), b.where(l));
      v.shape = parameter_shape(b, l);
      v.known = true;
      g->inputs.push_back(l.outputs.at(0));
    } else if (l.type == "Const") {
      if (l.outputs.size() != 1) fail("{}: needs one output port", b.where(l));
      b.set_constant(l.outputs[0], read_const(b, l, weights));
    } else if (l.type == "Result") {
      if (l.inputs.size() != 1) fail("{}: needs one input", b.where(l));
      g->outputs.push_back(l.inputs[0]);
    } else {
      ir_import::converters().at(l.type)(b, l);
    }
  }
  if (g->inputs.empty()) fail("{}: the IR has no Parameter", xml);
  if (g->outputs.empty()) fail("{}: the IR has no Result", xml);
  try {
    g->topo_sort();
  } catch (const Error& e) {
    fail("{}: {}", xml, e.what());
  }
  ir_import::fold_conv_bias(*g);
  return g;
}

}  // namespace inferlab
