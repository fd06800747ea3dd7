// ONNX model -> inferlab Graph. Everything the file says is validated here, so later stages can
// trust the graph's structure: malformed input becomes one Error naming the file and the node or
// field, never a crash or a giant allocation.
#include "frontends/onnx/onnx_importer.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "frontends/onnx/onnx_tensor.h"

namespace inferlab {

namespace {

constexpr int kMinOpset = 7;
constexpr int kMaxOpset = 17;
namespace fs = std::filesystem;

struct Importer {
  std::string file;
  std::string base_dir;
  Graph& g;
  std::set<std::string> produced;  // node outputs so far

  std::string where(const std::string& what) const { return file + ": " + what; }

  // Writers before IR version 3 left `type` unset; the populated field says what it is then.
  static onnx::AttributeProto::AttributeType attribute_type(const onnx::AttributeProto& a) {
    using A = onnx::AttributeProto;
    if (a.type() != A::UNDEFINED) return a.type();
    if (a.has_f()) return A::FLOAT;
    if (a.has_i()) return A::INT;
    if (a.has_s()) return A::STRING;
    if (a.has_t()) return A::TENSOR;
    if (a.has_g()) return A::GRAPH;
    if (a.floats_size()) return A::FLOATS;
    if (a.ints_size()) return A::INTS;
    if (a.strings_size()) return A::STRINGS;
    return A::UNDEFINED;
  }

  Attribute convert_attribute(const onnx::AttributeProto& a, const std::string& node) {
    const std::string what = where(fmt::format("node '{}' attribute '{}'", node, a.name()));
    switch (attribute_type(a)) {
      case onnx::AttributeProto::FLOAT:
        return a.f();
      case onnx::AttributeProto::INT:
        return static_cast<std::int64_t>(a.i());
      case onnx::AttributeProto::STRING:
        return a.s();
      case onnx::AttributeProto::TENSOR:
        return tensor_from_onnx(a.t(), base_dir, what);
      case onnx::AttributeProto::FLOATS:
        return std::vector<float>(a.floats().begin(), a.floats().end());
      case onnx::AttributeProto::INTS:
        return std::vector<std::int64_t>(a.ints().begin(), a.ints().end());
      case onnx::AttributeProto::STRINGS:
        return std::vector<std::string>(a.strings().begin(), a.strings().end());
      case onnx::AttributeProto::GRAPH:
      case onnx::AttributeProto::GRAPHS:
        unsupported("{}: sub-graph attributes are not supported", what);
      case onnx::AttributeProto::UNDEFINED:
        fail("{}: has neither a type nor a value", what);
      default:
        break;
    }
    unsupported("{}: attribute type {} is not supported", what, static_cast<int>(a.type()));
  }

  void add_constant(const std::string& name, Tensor t) {
    Value& v = g.add_value(name);
    v.dtype = t.dtype();
    v.shape = t.shape();
    v.known = true;
    v.constant = std::move(t);
  }

  // A Constant node becomes a constant value at import.
  void import_constant(const onnx::NodeProto& n, const std::string& name) {
    if (n.output_size() != 1)
      fail("{}", where(fmt::format("Constant node '{}' must have one output", name)));
    if (n.attribute_size() != 1) {
      fail("{}",
           where(fmt::format("Constant node '{}' must have exactly one value attribute", name)));
    }
    const auto& a = n.attribute(0);
    const std::string what = where(fmt::format("Constant node '{}'", name));
    static const std::map<std::string, onnx::AttributeProto::AttributeType> kTypes = {
        {"value", onnx::AttributeProto::TENSOR},
        {"value_float", onnx::AttributeProto::FLOAT},
        {"value_floats", onnx::AttributeProto::FLOATS},
        {"value_int", onnx::AttributeProto::INT},
        {"value_ints", onnx::AttributeProto::INTS}};
    if (auto it = kTypes.find(a.name()); it != kTypes.end() && a.type() != it->second &&
                                         a.type() != onnx::AttributeProto::UNDEFINED) {
      fail("{}: attribute '{}' has the wrong type ({})", what, a.name(),
           onnx::AttributeProto::AttributeType_Name(a.type()));
    }
    Tensor t;
    if (a.name() == "value") {
      t = tensor_from_onnx(a.t(), base_dir, what);
    } else if (a.name() == "value_float") {
      t = Tensor(DType::f32, {});
      t.data<float>()[0] = a.f();
    } else if (a.name() == "value_floats") {
      t = Tensor(DType::f32, {a.floats_size()});
      std::copy(a.floats().begin(), a.floats().end(), t.data<float>());
    } else if (a.name() == "value_int") {
      t = Tensor(DType::i64, {});
      t.data<std::int64_t>()[0] = a.i();
    } else if (a.name() == "value_ints") {
      t = Tensor(DType::i64, {a.ints_size()});
      std::copy(a.ints().begin(), a.ints().end(), t.data<std::int64_t>());
    } else {
      unsupported("{}: value attribute '{}' is not supported", what, a.name());
    }
    add_constant(n.output(0), std::move(t));
  }

  // Values are single-assignment: a node output may not redefine an initializer, a graph input
  // or another node's output (topo_sort catches the last; the first two it cannot see).
  void check_new_value(const std::string& value, const std::string& node) {
    if (value.empty()) return;
    if (!produced.insert(value).second) {
      fail("{}", where(fmt::format("node '{}' writes '{}', which another node also writes", node,
                                   value)));
    }
    if (g.has_value(value) && (g.value(value).constant || is_input(value))) {
      fail("{}", where(fmt::format(
                     "node '{}' writes '{}', which is already {}", node, value,
                     g.value(value).constant ? "a constant (initializer)" : "a graph input")));
    }
  }

  bool is_input(const std::string& n) const {
    return std::find(g.inputs.begin(), g.inputs.end(), n) != g.inputs.end();
  }

  Shape shape_from(const onnx::TypeProto::Tensor& tt, const std::string& what) {
    Shape shape;
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value()) {
        if (d.dim_value() < 0) fail("{}: negative dimension {}", what, d.dim_value());
        shape.push_back(d.dim_value());
      } else {
        shape.push_back(kDynamic);  // dim_param or nothing: fixed at compile time
      }
    }
    Shape probe = shape;
    for (auto& d : probe) d = d < 0 ? 1 : d;
    shape_numel(probe, what);  // rejects shapes beyond 2^40 elements up front
    return shape;
  }

  // The declared type of a graph output is informative only (shape inference recomputes it),
  // so it is recorded without marking the value known. Unsupported element types are left out
  // here: whether the output can be computed is for the operators to say.
  void record_output_type(const onnx::ValueInfoProto& vi) {
    if (g.has_value(vi.name()) && (g.value(vi.name()).known || g.value(vi.name()).constant)) return;
    if (!vi.type().has_tensor_type()) return;
    const auto& tt = vi.type().tensor_type();
    const std::string what = where(fmt::format("graph output '{}'", vi.name()));
    Value& v = g.add_value(vi.name());
    try {
      v.dtype = dtype_from_onnx(tt.elem_type(), what);
    } catch (const Unsupported&) {
      v.dtype = DType::undefined;
    }
    if (tt.has_shape()) v.shape = shape_from(tt, what);
  }

  void import_input(const onnx::ValueInfoProto& vi) {
    const std::string what = where(fmt::format("graph input '{}'", vi.name()));
    if (vi.name().empty()) fail("{}", where("a graph input has no name"));
    if (!vi.type().has_tensor_type()) unsupported("{}: only tensor inputs are supported", what);
    const auto& tt = vi.type().tensor_type();
    if (is_input(vi.name())) fail("{}: declared twice", what);
    Value& v = g.add_value(vi.name());
    v.dtype = dtype_from_onnx(tt.elem_type(), what);
    if (tt.has_shape()) {
      v.shape = shape_from(tt, what);
      v.known = true;
    }
    g.inputs.push_back(vi.name());
  }

  // `m` is consumed: each initializer's bytes are released once converted (see below).
  void import_graph(onnx::ModelProto& m) {
    int opset = 0;
    std::map<std::string, int> domain_opsets;
    for (const auto& o : m.opset_import()) {
      const std::string d = o.domain() == "ai.onnx" ? "" : o.domain();
      domain_opsets[d] = static_cast<int>(o.version());
      if (d.empty()) opset = static_cast<int>(o.version());
    }
    if (m.opset_import_size() == 0) opset = 1;  // IR v3 models without opset_import: ancient
    const auto& gp = m.graph();
    // A model may import only other domains (e.g. ai.onnx.preview.training); its nodes are kept
    // so that compiling lists them as unsupported. Default-domain nodes need a default opset.
    const bool imports_default = opset != 0;
    if (!imports_default) {
      for (const auto& np : gp.node()) {
        if (np.domain().empty() || np.domain() == "ai.onnx") {
          fail("{}", where(fmt::format("node '{}' ({}) is in the default domain, but the model "
                                       "imports no ai.onnx opset",
                                       np.name(), np.op_type())));
        }
      }
    } else if (opset < kMinOpset || opset > kMaxOpset) {
      unsupported("{}",
                  where(fmt::format("default-domain opset {} is outside the supported range {}..{}",
                                    opset, kMinOpset, kMaxOpset)));
    }
    g.opset = opset;
    g.name = gp.name();

    std::set<std::string> initializer_names;
    for (auto& init : *m.mutable_graph()->mutable_initializer()) {
      if (init.name().empty()) fail("{}", where("an initializer has no name"));
      if (initializer_names.count(init.name()))
        fail("{}", where(fmt::format("initializer '{}' is defined twice", init.name())));
      add_constant(
          init.name(),
          tensor_from_onnx(init, base_dir, where(fmt::format("initializer '{}'", init.name()))));
      initializer_names.insert(init.name());
      // The tensor holds its own copy now: free the protobuf's, so the weights are not held
      // twice while the rest of the model is imported (ResNet-50: 102 MB).
      std::string().swap(*init.mutable_raw_data());
      init.clear_float_data();
    }
    for (const auto& s : gp.sparse_initializer()) {
      unsupported(
          "{}", where(fmt::format("sparse initializer '{}' is not supported", s.values().name())));
    }
    for (const auto& in : gp.input()) {
      if (!initializer_names.count(in.name())) import_input(in);
    }

    // Node names must be unique: unnamed (or duplicate-named) nodes get "<op_type>_<index>",
    // bumped until it collides with no name the model itself uses.
    std::set<std::string> names;
    for (const auto& np : gp.node()) names.insert(np.name());
    std::set<std::string> taken;
    for (int i = 0; i < gp.node_size(); ++i) {
      const auto& np = gp.node(i);
      std::string name = np.name();
      if (name.empty() || taken.count(name)) {
        name = fmt::format("{}_{}", np.op_type(), i);
        for (int k = 1; names.count(name) || taken.count(name); ++k)
          name = fmt::format("{}_{}_{}", np.op_type(), i, k);
      }
      taken.insert(name);
      for (const auto& o : np.output()) check_new_value(o, name);
      const std::string domain = np.domain() == "ai.onnx" ? "" : np.domain();
      if (domain.empty() && np.op_type() == "Constant") {
        import_constant(np, name);
        continue;
      }
      Node n;
      n.name = name;
      n.op_type = np.op_type();
      n.domain = domain;
      n.opset = domain_opsets.count(domain) ? domain_opsets[domain] : opset;
      n.inputs.assign(np.input().begin(), np.input().end());
      n.outputs.assign(np.output().begin(), np.output().end());
      n.fused_from = {name};
      for (const auto& a : np.attribute()) {
        if (!a.ref_attr_name().empty()) {
          unsupported(
              "{}", where(fmt::format("node '{}': attribute references are not supported", name)));
        }
        n.attrs.set(a.name(), convert_attribute(a, name));
      }
      for (const auto& o : n.outputs)
        if (!o.empty()) g.add_value(o);
      g.nodes.push_back(std::move(n));
    }
    for (const auto& o : gp.output()) {
      if (o.name().empty()) fail("{}", where("a graph output has no name"));
      g.outputs.push_back(o.name());
      record_output_type(o);
    }
    if (g.outputs.empty()) fail("{}", where("the graph has no outputs"));
    try {
      g.topo_sort();
    } catch (const Error& e) {
      fail("{}", where(e.what()));
    }
  }
};

}  // namespace

std::shared_ptr<Graph> import_onnx(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail(ErrorCode::io, "{}: no such model file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::io, "{}: cannot open model file", path);
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) {
    fail("{}: not a valid ONNX model (the protobuf does not parse: truncated or not ONNX)", path);
  }
  if (!model.has_graph() || (model.graph().node_size() == 0 && model.graph().output_size() == 0)) {
    fail("{}: not a valid ONNX model (no graph)", path);
  }
  if (model.ir_version() <= 0) fail("{}: not a valid ONNX model (no ir_version)", path);
  auto g = std::make_shared<Graph>();
  g->source = path;
  Importer imp{path, fs::path(path).parent_path().string(), *g, {}};
  imp.import_graph(model);
  return g;
}

}  // namespace inferlab
