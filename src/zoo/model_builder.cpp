#include "zoo/model_builder.h"

#include <cmath>
#include <cstring>

#include "ir/error.h"

namespace inferlab::zoo {

ModelBuilder::ModelBuilder(const std::string& graph_name, std::uint64_t seed) : seed_(seed) {
  model_.set_ir_version(kZooIrVersion);
  model_.set_producer_name("inferlab-zoo");
  model_.set_producer_version("1");
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(kZooOpset);
  graph_ = model_.mutable_graph();
  graph_->set_name(graph_name);
}

void ModelBuilder::define(const std::string& name) {
  if (!names_.insert(name).second) fail("zoo: value '{}' defined twice", name);
}

namespace {

void set_tensor_type(onnx::ValueInfoProto* vi, const std::string& name,
                     const std::vector<std::int64_t>& shape) {
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  auto* sh = tt->mutable_shape();
  for (auto d : shape) sh->add_dim()->set_dim_value(d);
}

std::int64_t numel(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

}  // namespace

void ModelBuilder::add_input(const std::string& name, const std::vector<std::int64_t>& shape) {
  define(name);
  set_tensor_type(graph_->add_input(), name, shape);
}

void ModelBuilder::add_output(const std::string& name, const std::vector<std::int64_t>& shape) {
  set_tensor_type(graph_->add_output(), name, shape);
}

onnx::TensorProto& ModelBuilder::new_initializer(const std::string& name,
                                                 const std::vector<std::int64_t>& shape,
                                                 int data_type) {
  define(name);
  auto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(data_type);
  for (auto d : shape) t->add_dims(d);
  return *t;
}

// Values are generated straight into raw_data (little-endian float32, the host order on the
// x86-64 and AArch64 machines inferlab targets), so a 100 MB model is built without copies.
std::string ModelBuilder::add_weight(const std::string& name,
                                     const std::vector<std::int64_t>& shape,
                                     const std::function<float(WeightRng&)>& gen) {
  auto& t = new_initializer(name, shape, onnx::TensorProto::FLOAT);
  const std::int64_t n = numel(shape);
  std::string* raw = t.mutable_raw_data();
  raw->resize(static_cast<std::size_t>(n) * sizeof(float));
  WeightRng rng(seed_, name);
  for (std::int64_t i = 0; i < n; ++i) {
    const float v = gen(rng);
    std::memcpy(raw->data() + i * sizeof(float), &v, sizeof(float));
  }
  return name;
}

std::string ModelBuilder::add_floats(const std::string& name,
                                     const std::vector<std::int64_t>& shape,
                                     const std::vector<float>& values) {
  if (numel(shape) != static_cast<std::int64_t>(values.size()))
    fail("zoo: constant '{}' has {} values for its shape", name, values.size());
  auto& t = new_initializer(name, shape, onnx::TensorProto::FLOAT);
  t.set_raw_data(values.data(), values.size() * sizeof(float));
  return name;
}

std::string ModelBuilder::add_int64s(const std::string& name,
                                     const std::vector<std::int64_t>& values) {
  auto& t =
      new_initializer(name, {static_cast<std::int64_t>(values.size())}, onnx::TensorProto::INT64);
  t.set_raw_data(values.data(), values.size() * sizeof(std::int64_t));
  return name;
}

onnx::NodeProto& ModelBuilder::add_node(const std::string& op_type, const std::string& name,
                                        const std::vector<std::string>& inputs) {
  return add_node(op_type, name, inputs, {name});
}

onnx::NodeProto& ModelBuilder::add_node(const std::string& op_type, const std::string& name,
                                        const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs) {
  for (const auto& o : outputs) define(o);
  auto* n = graph_->add_node();
  n->set_op_type(op_type);
  n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return *n;
}

void set_attr(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void set_attr(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void set_attr(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}

// He-normal (Kaiming, fan-in, ReLU gain) weights keep the second moment of pre-activations
// constant from layer to layer; biases are small so they matter without dominating.
std::string ModelBuilder::conv(const std::string& x, const std::string& prefix, const ConvSpec& s) {
  if (s.in % s.group || s.out % s.group)
    fail("zoo: conv '{}' channels {}->{} do not divide into {} groups", prefix, s.in, s.out,
         s.group);
  const std::int64_t fan_in = s.in / s.group * s.kernel * s.kernel;
  const double std = std::sqrt(2.0 / static_cast<double>(fan_in));
  std::vector<std::string> inputs = {
      x, add_weight(prefix + ".weight", {s.out, s.in / s.group, s.kernel, s.kernel},
                    [std](WeightRng& r) { return static_cast<float>(r.normal(0, std)); })};
  if (s.bias) {
    inputs.push_back(add_weight(prefix + ".bias", {s.out}, [](WeightRng& r) {
      return static_cast<float>(r.normal(0, 0.02));
    }));
  }
  auto& n = add_node("Conv", prefix, inputs);
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{s.kernel, s.kernel});
  set_attr(n, "strides", std::vector<std::int64_t>{s.stride, s.stride});
  set_attr(n, "pads", std::vector<std::int64_t>{s.pad, s.pad, s.pad, s.pad});
  set_attr(n, "dilations", std::vector<std::int64_t>{s.dilation, s.dilation});
  set_attr(n, "group", s.group);
  return prefix;
}

std::string ModelBuilder::batchnorm(const std::string& x, const std::string& prefix, std::int64_t c,
                                    const BnInit& init) {
  const auto gamma = add_weight(prefix + ".weight", {c}, [&](WeightRng& r) {
    return static_cast<float>(r.uniform(init.gamma_lo, init.gamma_hi));
  });
  const auto beta = add_weight(prefix + ".bias", {c},
                               [](WeightRng& r) { return static_cast<float>(r.normal(0, 0.05)); });
  const auto mean = add_weight(prefix + ".running_mean", {c},
                               [](WeightRng& r) { return static_cast<float>(r.normal(0, 0.05)); });
  const auto var = add_weight(prefix + ".running_var", {c}, [](WeightRng& r) {
    return static_cast<float>(r.uniform(0.8, 1.25));
  });
  auto& n = add_node("BatchNormalization", prefix, {x, gamma, beta, mean, var});
  set_attr(n, "epsilon", 1e-5f);  // torchvision's default
  set_attr(n, "momentum", 0.9f);
  return prefix;
}

std::string ModelBuilder::relu(const std::string& x, const std::string& name) {
  add_node("Relu", name, {x});
  return name;
}

std::string ModelBuilder::relu6(const std::string& x, const std::string& name) {
  if (!names_.count("relu6.min")) {
    add_floats("relu6.min", {}, {0.0f});
    add_floats("relu6.max", {}, {6.0f});
  }
  add_node("Clip", name, {x, "relu6.min", "relu6.max"});
  return name;
}

std::string ModelBuilder::add(const std::string& a, const std::string& b, const std::string& name) {
  add_node("Add", name, {a, b});
  return name;
}

std::string ModelBuilder::max_pool(const std::string& x, const std::string& name,
                                   std::int64_t kernel, std::int64_t stride, std::int64_t pad,
                                   bool ceil_mode) {
  auto& n = add_node("MaxPool", name, {x});
  set_attr(n, "kernel_shape", std::vector<std::int64_t>{kernel, kernel});
  set_attr(n, "strides", std::vector<std::int64_t>{stride, stride});
  set_attr(n, "pads", std::vector<std::int64_t>{pad, pad, pad, pad});
  if (ceil_mode) set_attr(n, "ceil_mode", std::int64_t{1});
  return name;
}

std::string ModelBuilder::classifier(const std::string& x, const std::string& prefix,
                                     std::int64_t in, std::int64_t out, const std::string& output) {
  add_node("GlobalAveragePool", prefix + ".avgpool", {x});
  auto& f = add_node("Flatten", prefix + ".flatten", {prefix + ".avgpool"});
  set_attr(f, "axis", std::int64_t{1});
  const double std = 1.0 / std::sqrt(static_cast<double>(in));
  const auto w = add_weight(prefix + ".weight", {out, in},
                            [std](WeightRng& r) { return static_cast<float>(r.normal(0, std)); });
  const auto b = add_weight(prefix + ".bias", {out},
                            [](WeightRng& r) { return static_cast<float>(r.normal(0, 0.02)); });
  auto& g = add_node("Gemm", prefix, {prefix + ".flatten", w, b}, {output});
  set_attr(g, "transB", std::int64_t{1});
  return output;
}

onnx::ModelProto ModelBuilder::finish(const std::string& doc) {
  model_.set_doc_string(doc);
  return std::move(model_);
}

}  // namespace inferlab::zoo
