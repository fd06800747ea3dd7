#include "frontends/openvino/ir_builder.h"

#include <charconv>

namespace inferlab::ir_import {

std::string IrBuilder::where(const IrLayer& l) const {
  return fmt::format("{}: layer '{}' ({})", file_, l.name, l.type);
}

void IrBuilder::require_inputs(const IrLayer& l, std::size_t n) const {
  if (l.inputs.size() < n) fail("{}: has {} input(s), needs {}", where(l), l.inputs.size(), n);
  if (l.outputs.empty()) fail("{}: has no output port", where(l));
}

std::string IrBuilder::attr(const IrLayer& l, const char* name) const {
  const auto a = l.data.attribute(name);
  if (!a) fail("{}: <data> has no attribute '{}'", where(l), name);
  return a.value();
}

std::string IrBuilder::attr(const IrLayer& l, const char* name, const std::string& def) const {
  const auto a = l.data.attribute(name);
  return a ? std::string(a.value()) : def;
}

static std::vector<std::int64_t> parse_ints(const std::string& text, const std::string& what) {
  std::vector<std::int64_t> v;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    while (p < end && (*p == ',' || *p == ' ')) ++p;
    if (p == end) break;
    std::int64_t x = 0;
    auto [next, ec] = std::from_chars(p, end, x);
    if (ec != std::errc()) fail("{}: '{}' is not a list of integers", what, text);
    v.push_back(x);
    p = next;
  }
  return v;
}

std::vector<std::int64_t> IrBuilder::ints(const IrLayer& l, const char* name) const {
  return parse_ints(attr(l, name), where(l) + " attribute " + name);
}

std::vector<std::int64_t> IrBuilder::ints(const IrLayer& l, const char* name,
                                          std::vector<std::int64_t> def) const {
  if (!l.data.attribute(name)) return def;
  return ints(l, name);
}

std::int64_t IrBuilder::int_attr(const IrLayer& l, const char* name, std::int64_t def) const {
  if (!l.data.attribute(name)) return def;
  const auto v = ints(l, name);
  if (v.size() != 1) fail("{}: attribute '{}' must be one integer", where(l), name);
  return v[0];
}

float IrBuilder::float_attr(const IrLayer& l, const char* name) const {
  const std::string s = attr(l, name);
  try {
    std::size_t used = 0;
    const float f = std::stof(s, &used);
    if (used == s.size()) return f;
  } catch (const std::exception&) {
  }
  fail("{}: attribute '{}' is not a number ('{}')", where(l), name, s);
}

const Tensor* IrBuilder::constant_of(const std::string& value) const {
  if (!g_.has_value(value)) return nullptr;
  const auto& c = g_.value(value).constant;
  return c ? &*c : nullptr;
}

std::vector<std::int64_t> IrBuilder::const_ints(const IrLayer& l, std::size_t i,
                                                const char* what) const {
  if (i >= l.inputs.size()) fail("{}: has no input {} ({})", where(l), i, what);
  const Tensor* t = constant_of(l.inputs[i]);
  if (!t) unsupported("{}: input {} ({}) must be a constant", where(l), i, what);
  std::vector<std::int64_t> v(static_cast<std::size_t>(t->numel()));
  for (std::int64_t k = 0; k < t->numel(); ++k) v[static_cast<std::size_t>(k)] = t->at_i64(k);
  return v;
}

void IrBuilder::set_constant(const std::string& value, Tensor t) {
  Value& v = g_.add_value(value);
  v.dtype = t.dtype();
  v.shape = t.shape();
  v.known = true;
  v.constant = std::move(t);
}

std::string IrBuilder::constant(const std::string& hint, Tensor t) {
  std::string name = hint;
  for (int k = 1; g_.has_value(name); ++k) name = fmt::format("{}_{}", hint, k);
  set_constant(name, std::move(t));
  return name;
}

std::string IrBuilder::temp(const std::string& hint) {
  std::string name = hint;
  for (int k = 1; g_.has_value(name); ++k) name = fmt::format("{}_{}", hint, k);
  g_.add_value(name);
  return name;
}

Node& IrBuilder::add(const IrLayer& l, const std::string& op, std::vector<std::string> inputs,
                     std::vector<std::string> outputs, Attributes attrs) {
  Node n;
  n.name = l.name;
  for (int k = 1; node_names_.count(n.name); ++k) n.name = fmt::format("{}/{}{}", l.name, op, k);
  node_names_.insert(n.name);
  n.op_type = op;
  n.opset = g_.opset;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  n.fused_from = {n.name};
  for (const auto& o : n.outputs)
    if (!o.empty()) g_.add_value(o);
  g_.nodes.push_back(std::move(n));
  return g_.nodes.back();
}

void IrBuilder::alias(const IrLayer& l, const std::string& value) {
  if (const Tensor* t = constant_of(value)) {
    set_constant(l.outputs.at(0), *t);
    return;
  }
  add(l, "Identity", {value}, {l.outputs.at(0)});
}

}  // namespace inferlab::ir_import
