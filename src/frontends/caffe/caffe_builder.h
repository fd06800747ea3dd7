#pragma once
// Internal to the Caffe frontend: the state shared by the layer converters. Caffe names blobs,
// and layers may write a blob in place (top == bottom); the IR is single-assignment, so every
// write of a blob gets a fresh value name and `current_` maps a blob to its latest value.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontends/caffe/caffe.pb.h"
#include "frontends/converter_registry.h"
#include "ir/graph.h"

namespace inferlab::caffe_import {

using Layer = inferlab::caffe::LayerParameter;
using Blob = inferlab::caffe::BlobProto;

class Builder {
 public:
  Builder(Graph& g, std::string file) : g_(g), file_(std::move(file)) {}

  // The trained blobs of a layer (from the .caffemodel, or the prototxt itself).
  void set_blobs(const std::string& layer, std::vector<const Blob*> blobs);

  void add_input(const std::string& blob, const Shape& shape);
  // Value currently holding bottom `i` of `l`; Error if the layer has no such bottom or the
  // blob was never produced.
  std::string bottom(const Layer& l, int i = 0) const;
  // A fresh value for top `i` of `l` (its blob name on first write, then "<blob>/<layer>").
  std::string top(const Layer& l, int i = 0);
  std::string constant(const std::string& hint, Tensor t);
  // A fresh value name for an intermediate result of a layer that makes several nodes.
  std::string temp(const std::string& hint);
  // Appends a node named after the layer (suffixed when one layer makes several nodes) and
  // infers its output shapes, so later converters can read them.
  Node& add(const Layer& l, const std::string& op, std::vector<std::string> inputs,
            std::vector<std::string> outputs, Attributes attrs = {});
  const Shape& shape(const std::string& value) const { return g_.value(value).shape; }

  // Blob `i` of layer `l` as an f32 tensor of `shape`; Error when missing or when its element
  // count differs from the layer's expectation.
  Tensor blob(const Layer& l, int i, const Shape& shape, const char* what) const;
  std::size_t blob_count(const Layer& l) const;
  const Blob* raw_blob(const Layer& l, int i) const;

  std::string where(const Layer& l) const;  // "FILE: layer 'NAME' (TYPE)"
  void require_bottoms(const Layer& l, int n, bool at_least = false) const;

  // Blobs never consumed by a later layer: the net's outputs, in order of production.
  std::vector<std::string> outputs() const;
  // Marks the bottoms of `l` as consumed (before it is converted).
  void consume(const Layer& l);
  // An in-place layer folded into the previous node: its top stays that node's value.
  void keep_in_place(const Layer& l);
  Graph& graph() { return g_; }
  Node* producer_of(const std::string& value);
  // Values written by a BatchNorm layer whose scale and bias are still 1 and 0, so that a
  // following in-place Scale can be folded into it.
  std::set<std::string> unscaled_batchnorms;

 private:
  std::string unique_value(const std::string& base);
  Graph& g_;
  std::string file_;
  std::map<std::string, std::vector<const Blob*>> blobs_;
  std::map<std::string, std::string> current_;  // blob -> latest value
  std::vector<std::string> produced_order_;     // blobs in order of (last) production
  std::set<std::string> pending_;               // blobs produced but not consumed since
  std::set<std::string> node_names_;
};

using Converter = std::function<void(Builder&, const Layer&)>;
// Layer type -> converter; each converter file registers its layer family.
inline std::map<std::string, Converter>& converters() {
  return frontends::converter_table<Converter>();
}

// Helpers shared by converters.
Tensor f32_tensor(const Shape& shape, const std::vector<float>& values);
Tensor i64_tensor(const std::vector<std::int64_t>& values);

}  // namespace inferlab::caffe_import

#define INFERLAB_CAFFE_LAYER(type, fn) \
  INFERLAB_REGISTER_CONVERTER(::inferlab::caffe_import::Converter, type, fn)
