#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "ir/tensor.h"

namespace inferlab {

using Attribute = std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>,
                               std::vector<float>, std::vector<std::string>, Tensor>;

// Named node attributes with typed, defaulted accessors. A wrong type is an Error naming the
// attribute, so a malformed model never reaches a kernel.
class Attributes {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  void set(const std::string& name, Attribute value) { values_[name] = std::move(value); }
  void erase(const std::string& name) { values_.erase(name); }
  const std::map<std::string, Attribute>& all() const { return values_; }

  std::int64_t get_int(const std::string& name) const;
  std::int64_t get_int(const std::string& name, std::int64_t def) const;
  float get_float(const std::string& name) const;
  float get_float(const std::string& name, float def) const;
  std::string get_string(const std::string& name) const;
  std::string get_string(const std::string& name, const std::string& def) const;
  std::vector<std::int64_t> get_ints(const std::string& name) const;
  std::vector<std::int64_t> get_ints(const std::string& name, std::vector<std::int64_t> def) const;
  std::vector<float> get_floats(const std::string& name) const;
  std::vector<float> get_floats(const std::string& name, std::vector<float> def) const;
  std::vector<std::string> get_strings(const std::string& name) const;
  const Tensor& get_tensor(const std::string& name) const;

 private:
  template <typename T>
  const T& get(const std::string& name, const char* type) const;
  std::map<std::string, Attribute> values_;
};

}  // namespace inferlab
