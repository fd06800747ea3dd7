// inferlab.lab's shared pieces: JSON to Python objects, the options dict of a run.
#include "lab.h"

namespace inferlab::py {

nb::object to_python(const nlohmann::json& j) {
  if (j.is_null()) return nb::none();
  // Kept for the life of the interpreter (a static nb::object would outlive it at exit).
  static nb::handle loads = nb::object(nb::module_::import_("json").attr("loads")).release();
  return loads(j.dump());
}

JsonDict to_dict(const nlohmann::json& j) {
  return nb::borrow<JsonDict>(to_python(j.is_null() ? nlohmann::json::object() : j));
}

nb::handle Options::operator[](const char* key) {
  if (!d_.contains(key))
    invalid_argument(run_ + ": option '" + std::string(key) + "' missing (inferlab/lab.py)");
  read_.insert(key);
  return d_[key];
}

void Options::check_all_read() const {
  for (auto [k, v] : d_) {
    const std::string key = nb::cast<std::string>(k);
    if (!read_.count(key)) invalid_argument(run_ + ": unknown option '" + key + "'");
  }
}

void bind_lab(nb::module_& m) {
  bind_lab_results(m);
  bind_lab_bench(m);
  bind_lab_accuracy(m);
  bind_lab_sweep(m);
}

}  // namespace inferlab::py
