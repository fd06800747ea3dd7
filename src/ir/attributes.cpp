#include "ir/attributes.h"

namespace inferlab {

template <typename T>
const T& Attributes::get(const std::string& name, const char* type) const {
  auto it = values_.find(name);
  if (it == values_.end()) fail("missing required attribute '{}'", name);
  const T* v = std::get_if<T>(&it->second);
  if (!v) fail("attribute '{}' is not of type {}", name, type);
  return *v;
}

std::int64_t Attributes::get_int(const std::string& name) const {
  return get<std::int64_t>(name, "int");
}
std::int64_t Attributes::get_int(const std::string& name, std::int64_t def) const {
  return has(name) ? get_int(name) : def;
}
float Attributes::get_float(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end()) {
    if (const auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<float>(*i);
  }
  return get<float>(name, "float");
}
float Attributes::get_float(const std::string& name, float def) const {
  return has(name) ? get_float(name) : def;
}
std::string Attributes::get_string(const std::string& name) const {
  return get<std::string>(name, "string");
}
std::string Attributes::get_string(const std::string& name, const std::string& def) const {
  return has(name) ? get_string(name) : def;
}
std::vector<std::int64_t> Attributes::get_ints(const std::string& name) const {
  return get<std::vector<std::int64_t>>(name, "ints");
}
std::vector<std::int64_t> Attributes::get_ints(const std::string& name,
                                               std::vector<std::int64_t> def) const {
  return has(name) ? get_ints(name) : def;
}
std::vector<float> Attributes::get_floats(const std::string& name) const {
  return get<std::vector<float>>(name, "floats");
}
std::vector<float> Attributes::get_floats(const std::string& name, std::vector<float> def) const {
  return has(name) ? get_floats(name) : def;
}
std::vector<std::string> Attributes::get_strings(const std::string& name) const {
  return get<std::vector<std::string>>(name, "strings");
}
const Tensor& Attributes::get_tensor(const std::string& name) const {
  return get<Tensor>(name, "tensor");
}

}  // namespace inferlab
