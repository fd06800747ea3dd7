#include "frontends/caffe/caffe_builder.h"

#include <algorithm>

#include "ops/registry.h"

namespace inferlab::caffe_import {

Tensor f32_tensor(const Shape& shape, const std::vector<float>& values) {
  Tensor t(DType::f32, shape);
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

Tensor i64_tensor(const std::vector<std::int64_t>& values) {
  Tensor t(DType::i64, {static_cast<std::int64_t>(values.size())});
  std::copy(values.begin(), values.end(), t.data<std::int64_t>());
  return t;
}

void Builder::set_blobs(const std::string& layer, std::vector<const Blob*> blobs) {
  blobs_[layer] = std::move(blobs);
}

std::string Builder::where(const Layer& l) const {
  return fmt::format("{}: layer '{}' ({})", file_, l.name(), l.type());
}

void Builder::require_bottoms(const Layer& l, int n, bool at_least) const {
  const int have = l.bottom_size();
  if (at_least ? have < n : have != n) {
    fail("{}: has {} bottom blob(s), needs {}{}", where(l), have, at_least ? "at least " : "", n);
  }
  if (l.top_size() < 1) fail("{}: has no top blob", where(l));
}

std::string Builder::unique_value(const std::string& base) {
  std::string name = base;
  for (int k = 1; g_.has_value(name); ++k) name = fmt::format("{}_{}", base, k);
  return name;
}

void Builder::add_input(const std::string& blob, const Shape& shape) {
  if (current_.count(blob)) fail("{}: input '{}' is declared twice", file_, blob);
  // Rejects negative and giant shapes up front (a hostile file must not reach an allocation).
  shape_numel(shape, fmt::format("{}: input '{}' of shape {}", file_, blob, shape_str(shape)));
  Value& v = g_.add_value(blob);
  v.dtype = DType::f32;
  v.shape = shape;
  v.known = true;
  g_.inputs.push_back(blob);
  current_[blob] = blob;
}

std::string Builder::bottom(const Layer& l, int i) const {
  if (i >= l.bottom_size()) fail("{}: has no bottom blob {}", where(l), i);
  auto it = current_.find(l.bottom(i));
  if (it == current_.end()) {
    fail("{}: bottom blob '{}' is not produced by any earlier layer or input", where(l),
         l.bottom(i));
  }
  return it->second;
}

std::string Builder::top(const Layer& l, int i) {
  if (i >= l.top_size()) fail("{}: has no top blob {}", where(l), i);
  const std::string& blob = l.top(i);
  const std::string value =
      current_.count(blob) ? unique_value(blob + "/" + l.name()) : unique_value(blob);
  current_[blob] = value;
  produced_order_.erase(std::remove(produced_order_.begin(), produced_order_.end(), blob),
                        produced_order_.end());
  produced_order_.push_back(blob);
  pending_.insert(blob);
  return value;
}

void Builder::consume(const Layer& l) {
  for (const auto& b : l.bottom()) pending_.erase(b);
}

void Builder::keep_in_place(const Layer& l) {
  for (const auto& t : l.top()) pending_.insert(t);
}

std::vector<std::string> Builder::outputs() const {
  std::vector<std::string> out;
  for (const auto& blob : produced_order_)
    if (pending_.count(blob)) out.push_back(current_.at(blob));
  return out;
}

std::string Builder::constant(const std::string& hint, Tensor t) {
  const std::string name = unique_value(hint);
  Value& v = g_.add_value(name);
  v.dtype = t.dtype();
  v.shape = t.shape();
  v.known = true;
  v.constant = std::move(t);
  return name;
}

std::string Builder::temp(const std::string& hint) {
  const std::string name = unique_value(hint);
  g_.add_value(name);
  return name;
}

Node& Builder::add(const Layer& l, const std::string& op, std::vector<std::string> inputs,
                   std::vector<std::string> outputs, Attributes attrs) {
  Node n;
  n.name = l.name().empty() ? op : l.name();
  for (int k = 1; node_names_.count(n.name); ++k) n.name = fmt::format("{}/{}{}", l.name(), op, k);
  node_names_.insert(n.name);
  n.op_type = op;
  n.opset = g_.opset;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attrs = std::move(attrs);
  n.fused_from = {n.name};
  try {
    infer_node(g_, n);
  } catch (const Error& e) {
    // The layer names the place; the node prefix would repeat it ("node 'x' (Op): ...").
    std::string msg = e.what();
    const std::string prefix = fmt::format("node '{}' ({}): ", n.name, op);
    if (msg.rfind(prefix, 0) == 0) msg = fmt::format("{}: {}", op, msg.substr(prefix.size()));
    if (dynamic_cast<const Unsupported*>(&e)) unsupported("{}: {}", where(l), msg);
    fail("{}: {}", where(l), msg);
  }
  g_.nodes.push_back(std::move(n));
  return g_.nodes.back();
}

Node* Builder::producer_of(const std::string& value) {
  for (auto& n : g_.nodes)
    if (std::find(n.outputs.begin(), n.outputs.end(), value) != n.outputs.end()) return &n;
  return nullptr;
}

std::size_t Builder::blob_count(const Layer& l) const {
  auto it = blobs_.find(l.name());
  return it == blobs_.end() ? 0 : it->second.size();
}

const Blob* Builder::raw_blob(const Layer& l, int i) const {
  auto it = blobs_.find(l.name());
  if (it == blobs_.end() || i >= static_cast<int>(it->second.size())) {
    fail("{}: the weights have no blob {} for this layer (it has {})", where(l), i,
         it == blobs_.end() ? 0 : it->second.size());
  }
  return it->second[static_cast<std::size_t>(i)];
}

Tensor Builder::blob(const Layer& l, int i, const Shape& shape, const char* what) const {
  const Blob* b = raw_blob(l, i);
  const std::int64_t want = shape_numel(shape, what);
  const std::int64_t have = b->data_size() > 0 ? b->data_size() : b->double_data_size();
  if (have != want) {
    fail("{}: blob {} ({}) has {} values, the layer needs {} ({})", where(l), i, what, have, want,
         shape_str(shape));
  }
  Tensor t(DType::f32, shape);
  float* p = t.data<float>();
  if (b->data_size() > 0) {
    std::copy(b->data().begin(), b->data().end(), p);
  } else {
    for (int k = 0; k < b->double_data_size(); ++k) p[k] = static_cast<float>(b->double_data(k));
  }
  return t;
}

}  // namespace inferlab::caffe_import
