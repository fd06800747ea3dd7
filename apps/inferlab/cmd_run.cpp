// `inferlab run MODEL`: compile, run once on given or random inputs, write and summarise outputs.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "calibration_cli.h"
#include "cli_util.h"
#include "command.h"
#include "inferlab/lab/tensor_file.h"

namespace inferlab::cli {
namespace {

struct RunOptions {
  std::string model, weights;
  std::vector<std::string> inputs, shapes;
  std::string output_dir;
  Engine engine = Engine::optimized;
  ConvAlgo conv_algo = ConvAlgo::automatic;
  std::int64_t batch = 0;
  std::uint64_t seed = 0;
  Precision precision = Precision::f32;
  data::CalibrationRequest calibration;
  bool dump_graph = false;
};

// A tensor given with --input must fit the model's declared input: checked before compiling so
// the message names the file rather than a shape mismatch deep inside the graph.
void check_given_input(const Model& model, const RunOptions& o, const std::string& name,
                       const Tensor& t, const std::string& file) {
  const auto& ports = model.inputs();
  auto port =
      std::find_if(ports.begin(), ports.end(), [&](const auto& p) { return p.name == name; });
  if (port == ports.end()) {
    std::string names;
    for (const auto& p : ports) names += (names.empty() ? "" : ", ") + p.name;
    fail("--input names '{}', which is not an input of {} (its inputs: {})", name, o.model, names);
  }
  const PortInfo& v = *port;
  if (v.dtype != t.dtype()) {
    fail("{}: holds a {} tensor, input '{}' of {} is {}", file, dtype_name(t.dtype()), name,
         o.model, dtype_name(v.dtype));
  }
  if (v.shape.empty() && t.rank() != 0) return;  // shape not declared by the file
  bool fits = v.shape.size() == t.rank();
  for (std::size_t d = 0; fits && d < v.shape.size(); ++d) {
    const std::int64_t want = d == 0 && o.batch > 0 ? o.batch : v.shape[d];
    if (want >= 0 && want != t.shape()[d]) fits = false;
  }
  if (!fits) {
    fail("{}: holds a tensor of shape {}, input '{}' of {} has shape {}", file,
         shape_str(t.shape()), name, o.model, shape_str(v.shape));
  }
}

void run(const RunOptions& o) {
  CompileOptions co;
  co.engine = o.engine;
  co.batch = o.batch;
  co.conv_algo = o.conv_algo;
  co.precision = o.precision;
  for (const auto& s : o.shapes) co.shapes.insert(parse_named_shape(s));
  std::map<std::string, Tensor> given;
  std::map<std::string, std::string> file_of;
  for (const auto& spec : o.inputs) {
    auto [name, file] = parse_named_file(spec);
    given[name] = read_tensor_file(file);
    file_of[name] = file;
    if (!co.shapes.count(name) && o.batch == 0) co.shapes[name] = given[name].shape();
  }
  data::check_calibration_request(o.calibration, o.precision);
  Core core;
  auto model = core.read_model(o.model, o.weights);
  for (const auto& [name, t] : given) check_given_input(model, o, name, t, file_of[name]);
  std::string quantized;
  if (Model q = data::quantize_for_precision(model, o.precision, o.calibration, &quantized)) {
    model = std::move(q);
    fmt::print("{}\n", quantized);
  }
  CompiledModel cm = core.compile_model(model, co);
  for (const auto& note : cm.notes()) fmt::print("note: {}\n", note);
  if (o.dump_graph) fmt::print("{}", cm.dump_graph());
  InferRequest req = cm.create_infer_request();
  for (std::size_t i = 0; i < cm.inputs().size(); ++i) {
    const PortInfo& p = cm.inputs()[i];
    auto it = given.find(p.name);
    try {
      req.set_tensor(p.name,
                     it != given.end() ? it->second : random_tensor(p.dtype, p.shape, o.seed + i));
    } catch (const Error& e) {
      if (it == given.end()) throw;
      fail("{}: {}", file_of[p.name], e.what());
    }
    if (it == given.end())
      fmt::print("input  {} {} {} (random, seed {})\n", p.name, dtype_name(p.dtype),
                 shape_str(p.shape), o.seed + i);
  }
  const auto t0 = std::chrono::steady_clock::now();
  req.infer();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (!o.output_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.output_dir, ec);
    if (ec || !std::filesystem::is_directory(o.output_dir)) {
      fail("--output-dir {}: cannot create the folder{}", o.output_dir,
           ec ? " (" + ec.message() + ")" : "");
    }
  }
  for (const PortInfo& p : cm.outputs()) {
    const Tensor t = req.get_tensor(p.name);
    fmt::print("output {} {} {}\n", p.name, dtype_name(t.dtype()), shape_str(t.shape()));
    if (is_classifier_output(t)) {
      for (std::int64_t n = 0; n < t.shape()[0]; ++n) {
        std::string line;
        for (auto [idx, v] : top_k(t, n, 5)) line += fmt::format(" {}:{:.4f}", idx, v);
        fmt::print("  top-5 [{}]{}\n", n, line);
      }
    }
    if (!o.output_dir.empty()) {
      std::string file = p.name;
      std::replace_if(
          file.begin(), file.end(), [](char c) { return c == '/' || c == ':'; }, '_');
      write_tensor_pb((std::filesystem::path(o.output_dir) / (file + ".pb")).string(), t, p.name);
    }
  }
  fmt::print("engine {}, precision {} ({}), compile {:.1f} ms, first inference {:.2f} ms\n",
             engine_name(co.engine), precision_name(o.precision), cm.precision_summary(),
             cm.compile_ms(), ms);
}

void setup_run(CLI::App& root) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = root.add_subcommand("run", "Run a model once on given or random inputs");
  cmd->add_option("model", o->model, "model file (.onnx, .prototxt, .xml)")->required();
  cmd->add_option(
      "--weights", o->weights,
      "weights of a .prototxt (.caffemodel) or .xml (.bin) model; default: the file beside it");
  cmd->add_option("--input", o->inputs, "NAME=FILE.pb|FILE.npy (repeatable); random when absent");
  cmd->add_option("--shape", o->shapes, "NAME=1x3x224x224: fix an input's shape (repeatable)");
  cmd->add_option("--batch", o->batch, "set dimension 0 of every input")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--output-dir", o->output_dir, "write each output as NAME.pb (TensorProto) here");
  add_engine_option(cmd, o->engine, "optimized or reference");
  add_conv_algo_option(cmd, o->conv_algo, "auto, direct or winograd");
  cmd->add_option("--seed", o->seed, "seed of the random inputs");
  add_precision_option(cmd, o->precision);
  add_calibration_options(cmd, o->calibration);
  cmd->add_option("--preset", o->calibration.preset,
                  "preprocessing preset of the --calibration images (e.g. imagenet, cifar10)");
  cmd->add_option("--preprocess", o->calibration.preprocess,
                  "preprocessing config (JSON) of the --calibration images instead of a preset");
  cmd->add_flag("--dump-graph", o->dump_graph,
                "print the compiled graph (after optimization passes)");
  cmd->callback([o] { run(*o); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_run);
}  // namespace inferlab::cli
