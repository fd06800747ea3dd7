#pragma once
// inferlab.lab from C++: the lab's runs (bench, compare, accuracy, sweep) over the same library
// calls as the CLI, and their results as Python objects. python/inferlab/lab.py gives each run
// its typed keyword arguments and passes them here as one dict, every key present.
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "binding.h"
#include "inferlab/lab/sweep_run.h"

namespace inferlab::py {

// A JSON value as the Python object json.loads would give (dict, list, str, float, ...).
nb::object to_python(const nlohmann::json& j);
// A JSON object as a dict (typed so that the stubs say dict[str, Any]).
using JsonDict = nb::typed<nb::dict, nb::str, nb::any>;
JsonDict to_dict(const nlohmann::json& j);

// The options dict of a run. Each key is read once; a key the run does not read raises (the
// wrapper and the binding disagree), as does a missing one.
class Options {
 public:
  Options(nb::dict d, std::string run) : d_(std::move(d)), run_(std::move(run)) {}
  nb::handle operator[](const char* key);
  bool given(const char* key) { return !(*this)[key].is_none(); }  // present and not None
  void check_all_read() const;

 private:
  nb::dict d_;
  std::string run_;
  std::set<std::string> read_;
};

// A sweep as Python sees it: the run's settings, every point's result, the answers.
struct SweepResult {
  bench::SweepRun run;
  bench::SweepOutcome outcome;
  std::vector<bench::BackendAnswers> answers;
};

void bind_lab_results(nb::module_& m);   // lab_results.cpp: result classes
void bind_lab_bench(nb::module_& m);     // lab_bench.cpp: bench, compare
void bind_lab_accuracy(nb::module_& m);  // lab_accuracy.cpp
void bind_lab_sweep(nb::module_& m);     // lab_sweep.cpp

}  // namespace inferlab::py
