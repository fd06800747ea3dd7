#pragma once
// Layer type -> converter, for the frontends that translate a model layer by layer (Caffe,
// OpenVINO IR). Each converter file registers its layer family at static initialisation, so
// adding a layer type is adding a file, as with the op registry.
#include <map>
#include <string>
#include <utility>

namespace inferlab::frontends {

// One table per Converter type: each frontend's converters have their own signature.
template <class Converter>
std::map<std::string, Converter>& converter_table() {
  static std::map<std::string, Converter> table;
  return table;
}

template <class Converter>
bool register_converter(const std::string& type, Converter c) {
  converter_table<Converter>()[type] = std::move(c);
  return true;
}

}  // namespace inferlab::frontends

#define INFERLAB_CONVERTER_CONCAT2(a, b) a##b
#define INFERLAB_CONVERTER_CONCAT(a, b) INFERLAB_CONVERTER_CONCAT2(a, b)
// Registers `fn` as the converter of layer `type` in the table of `Converter`.
#define INFERLAB_REGISTER_CONVERTER(Converter, type, fn)                               \
  [[maybe_unused]] static const bool INFERLAB_CONVERTER_CONCAT(converter_, __LINE__) = \
      ::inferlab::frontends::register_converter<Converter>(type, fn)
