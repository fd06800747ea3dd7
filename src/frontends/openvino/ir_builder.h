#pragma once
// Internal to the OpenVINO IR frontend: one IR layer with its resolved input and output value
// names, and the converter table (one converter file per op family).
#include <functional>
#include <map>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <vector>

#include "frontends/converter_registry.h"
#include "ir/graph.h"

namespace inferlab::ir_import {

struct IrLayer {
  std::string id, name, type, version;
  pugi::xml_node node;
  pugi::xml_node data;               // <data> (attributes), possibly empty
  std::vector<std::string> inputs;   // value names by input port order
  std::vector<std::string> outputs;  // value names by output port order
};

class IrBuilder {
 public:
  IrBuilder(Graph& g, std::string file) : g_(g), file_(std::move(file)) {}
  std::string where(const IrLayer& l) const;  // "FILE: layer 'NAME' (TYPE)"
  void require_inputs(const IrLayer& l, std::size_t n) const;

  std::string attr(const IrLayer& l, const char* name) const;  // Error when absent
  std::string attr(const IrLayer& l, const char* name, const std::string& def) const;
  std::vector<std::int64_t> ints(const IrLayer& l, const char* name) const;  // "1,2" -> {1, 2}
  std::vector<std::int64_t> ints(const IrLayer& l, const char* name,
                                 std::vector<std::int64_t> def) const;
  std::int64_t int_attr(const IrLayer& l, const char* name, std::int64_t def) const;
  float float_attr(const IrLayer& l, const char* name) const;

  // The constant data of a value, or nullptr when it is computed at run time.
  const Tensor* constant_of(const std::string& value) const;
  // Constant ints of input `i` (axes, orders, shapes); Error when not constant.
  std::vector<std::int64_t> const_ints(const IrLayer& l, std::size_t i, const char* what) const;
  std::string constant(const std::string& hint, Tensor t);
  void set_constant(const std::string& value, Tensor t);
  std::string temp(const std::string& hint);
  Node& add(const IrLayer& l, const std::string& op, std::vector<std::string> inputs,
            std::vector<std::string> outputs, Attributes attrs = {});
  // Output 0 as a plain alias of `value` (an Identity node).
  void alias(const IrLayer& l, const std::string& value);
  Graph& graph() { return g_; }

 private:
  Graph& g_;
  std::string file_;
  std::set<std::string> node_names_;
};

using Converter = std::function<void(IrBuilder&, const IrLayer&)>;
inline std::map<std::string, Converter>& converters() {
  return frontends::converter_table<Converter>();
}

}  // namespace inferlab::ir_import

#define INFERLAB_IR_OP(type, fn) \
  INFERLAB_REGISTER_CONVERTER(::inferlab::ir_import::Converter, type, fn)
