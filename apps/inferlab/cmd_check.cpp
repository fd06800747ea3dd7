// `inferlab check PATH...`: runs ONNX test-runner cases (model.onnx + test_data_set_N/) and
// compares outputs with the stored references.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "cli_util.h"
#include "command.h"
#include "inferlab/inferlab.h"
#include "inferlab/lab/model_stats.h"
#include "inferlab/lab/tensor_compare.h"
#include "inferlab/lab/tensor_file.h"

namespace inferlab::cli {
namespace {

namespace fs = std::filesystem;

struct CheckOptions {
  std::vector<std::string> paths;
  double rtol = 1e-3, atol = 1e-5;
  Engine engine = Engine::optimized;
};

std::vector<fs::path> numbered(const fs::path& dir, const std::string& prefix,
                               const std::string& ext) {
  std::vector<std::pair<int, fs::path>> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || e.path().extension() != ext) continue;
    try {
      found.emplace_back(std::stoi(name.substr(prefix.size())), e.path());
    } catch (const std::exception&) {
    }
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& [i, p] : found) out.push_back(p);
  return out;
}

enum class Outcome { pass, fail, skip };

// The model of a case folder: model.onnx, model.prototxt (+ .caffemodel) or model.xml (+ .bin);
// empty when there is none.
fs::path case_model(const fs::path& dir) {
  for (const char* name : {"model.onnx", "model.prototxt", "model.xml"})
    if (fs::exists(dir / name)) return dir / name;
  return {};
}

// Runs every data set of one case; returns the outcome and prints its line.
Outcome check_case(const fs::path& dir, const CheckOptions& o) {
  const std::string name = dir.filename().string();
  try {
    Core core;
    const Model model = core.read_model(case_model(dir).string());
    std::vector<fs::path> sets;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
        sets.push_back(e.path());
    std::sort(sets.begin(), sets.end());
    if (sets.empty()) throw Error("no test_data_set_N folders");
    for (const auto& set : sets) {
      const auto in_files = numbered(set, "input_", ".pb");
      const auto out_files = numbered(set, "output_", ".pb");
      if (in_files.size() != model.inputs().size()) {
        throw Error(fmt::format("{} has {} input files, the model has {} runtime inputs",
                                set.filename().string(), in_files.size(), model.inputs().size()));
      }
      CompileOptions co;
      co.engine = o.engine;
      // Inputs that carry op parameters (pads, scales, axes...) are frozen to the data set's
      // values; the others are fed at run time with their shapes fixed.
      const auto params = parameter_inputs(model);
      std::vector<std::pair<std::string, Tensor>> runtime_inputs;
      for (std::size_t i = 0; i < in_files.size(); ++i) {
        Tensor t = read_tensor_file(in_files[i].string());
        const std::string& input = model.inputs()[i].name;
        if (std::find(params.begin(), params.end(), input) != params.end()) {
          co.frozen_inputs[input] = t;
        } else {
          co.shapes[input] = t.shape();
          runtime_inputs.emplace_back(input, t);
        }
      }
      CompiledModel cm = core.compile_model(model, co);
      InferRequest req = cm.create_infer_request();
      for (const auto& [name, t] : runtime_inputs) req.set_tensor(name, t);
      req.infer();
      if (out_files.size() != cm.outputs().size()) {
        throw Error(fmt::format("{} output files for {} model outputs", out_files.size(),
                                cm.outputs().size()));
      }
      for (std::size_t i = 0; i < out_files.size(); ++i) {
        const Tensor expected = read_tensor_file(out_files[i].string());
        const TensorDiff d =
            compare_tensors(req.get_tensor(cm.outputs()[i].name), expected, o.rtol, o.atol);
        if (!d.ok) {
          // Values that differ: the figures say by how much; otherwise type or shape differ.
          const std::string why = d.mismatches > 0
                                      ? fmt::format(
                                            "max abs err {:.2g} (rel {:.2g}), {} of {} elements "
                                            "outside tolerance",
                                            d.max_abs, d.max_rel, d.mismatches, expected.numel())
                                      : d.reason;
          fmt::print("FAIL {}: output '{}' {} [{}]\n", name, cm.outputs()[i].name, why,
                     set.filename().string());
          return Outcome::fail;
        }
      }
    }
    fmt::print("PASS {}\n", name);
    return Outcome::pass;
  } catch (const Unsupported& e) {
    fmt::print("SKIP {}: {}\n", name, e.what());
    return Outcome::skip;
  } catch (const std::exception& e) {
    fmt::print("FAIL {}: {}\n", name, e.what());
    return Outcome::fail;
  }
}

void run_check(const CheckOptions& o) {
  std::vector<fs::path> cases;
  for (const auto& p : o.paths) {
    if (!fs::is_directory(p)) throw Error(fmt::format("{}: not a folder", p));
    if (!case_model(p).empty()) {
      cases.emplace_back(p);
      continue;
    }
    std::vector<fs::path> sub;
    for (const auto& e : fs::directory_iterator(p))
      if (e.is_directory() && !case_model(e.path()).empty()) sub.push_back(e.path());
    if (sub.empty()) {
      throw Error(fmt::format("{}: holds no model.onnx (.prototxt, .xml), nor folders that do", p));
    }
    std::sort(sub.begin(), sub.end());
    cases.insert(cases.end(), sub.begin(), sub.end());
  }
  int passed = 0, failed = 0, skipped = 0;
  for (const auto& c : cases) {
    switch (check_case(c, o)) {
      case Outcome::pass:
        ++passed;
        break;
      case Outcome::fail:
        ++failed;
        break;
      case Outcome::skip:
        ++skipped;
        break;
    }
    std::fflush(stdout);
  }
  fmt::print("{} passed, {} failed, {} skipped\n", passed, failed, skipped);
  if (failed) throw Exit{1};
}

void setup_check(CLI::App& root) {
  auto o = std::make_shared<CheckOptions>();
  auto* cmd =
      root.add_subcommand("check", "Run ONNX test-runner cases and compare with reference outputs");
  cmd->add_option("paths", o->paths, "case folder(s) or folder(s) of case folders")->required();
  cmd->add_option("--rtol", o->rtol, "relative tolerance")->check(CLI::NonNegativeNumber);
  cmd->add_option("--atol", o->atol, "absolute tolerance")->check(CLI::NonNegativeNumber);
  add_engine_option(cmd, o->engine, "engine: optimized or reference");
  cmd->callback([o] { run_check(*o); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_check);
}  // namespace inferlab::cli
