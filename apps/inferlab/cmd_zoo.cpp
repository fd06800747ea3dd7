// `inferlab zoo NAME -o FILE.onnx`: write a zoo model (deterministic pseudo-random weights);
// `--info` prints its parameter and MAC counts. `inferlab zoo --info FILE.onnx` does the same for
// any ONNX file; `inferlab zoo` alone lists the models.
#include <fmt/format.h>

#include <filesystem>

#include "command.h"
#include "inferlab/inferlab.h"
#include "inferlab/lab/model_stats.h"
#include "inferlab/lab/zoo.h"

namespace inferlab::cli {
namespace {

struct ZooCliOptions {
  std::string name, output;
  std::int64_t batch = 1;
  std::uint64_t seed = 0;
  bool info = false, per_node = false;
  bool batch_given = false;
};

// 25557032 -> "25,557,032".
std::string grouped(std::int64_t v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void print_stats(const std::string& what, const ModelStats& s, std::int64_t batch, bool per_node) {
  fmt::print("{}: {} parameters ({:.1f} MB as fp32), {:.3f} GMAC ({} MACs) at batch {}\n", what,
             grouped(s.params), s.param_bytes / 1e6, s.macs / 1e9, grouped(s.macs), batch);
  fmt::print("  weights (all constants): {:.1f} MB\n", s.weight_bytes / 1e6);
  for (const auto& [op, macs] : s.macs_by_op) {
    fmt::print("  {:<14} {:>18} MACs ({:.2f}%)\n", op, grouped(macs),
               s.macs ? 100.0 * macs / s.macs : 0.0);
  }
  if (!per_node) return;
  fmt::print("{:<48} {:<20} {:>16} {:>12} {:>12} {:>12}\n", "node", "op", "MACs", "params",
             "in bytes", "out bytes");
  for (const auto& n : s.nodes) {
    fmt::print("{:<48} {:<20} {:>16} {:>12} {:>12} {:>12}\n", n.name, n.op_type, grouped(n.macs),
               grouped(n.params), grouped(n.input_bytes), grouped(n.output_bytes));
  }
}

// The batch to fix when counting a file: --batch if given, else 1 where an input's first
// dimension is dynamic, else none (0: the model's own shapes).
std::int64_t batch_to_fix(const Model& m, const ZooCliOptions& o) {
  if (o.batch_given) return o.batch;
  for (const auto& in : m.inputs())
    if (!in.shape.empty() && in.shape[0] < 0) return 1;
  return 0;
}

void list_models() {
  for (const auto& m : zoo::zoo_catalog()) fmt::print("{:<14} {}\n", m.name, m.description);
}

void run(const ZooCliOptions& o) {
  if (o.name.empty()) {
    if (o.info || !o.output.empty()) fail("zoo: name a model (or an ONNX file with --info)");
    list_models();
    return;
  }
  if (!zoo::is_zoo_model(o.name)) {
    // Any ONNX file: --info only.
    if (o.info && std::filesystem::exists(o.name)) {
      if (!o.output.empty()) fail("zoo: -o writes zoo models only, not '{}'", o.name);
      const Model m = Core().read_model(o.name);
      std::int64_t batch = batch_to_fix(m, o);
      const ModelStats stats = compute_model_stats(m, batch);
      if (batch == 0 && !m.inputs().empty() && !m.inputs()[0].shape.empty())
        batch = m.inputs()[0].shape[0];
      print_stats(o.name, stats, batch, o.per_node);
      return;
    }
    if (o.info && (o.name.find('/') != std::string::npos || o.name.ends_with(".onnx")))
      fail("{}: no such model file", o.name);
    zoo::check_zoo_model(o.name);
  }
  if (o.output.empty() && !o.info) fail("zoo: give -o FILE.onnx to write '{}', or --info", o.name);
  const zoo::ZooOptions zo{.batch = o.batch, .seed = o.seed};
  if (!o.output.empty()) {
    zoo::write_zoo_model(o.name, zo, o.output);
    fmt::print("wrote {} (batch {}, seed {}) to {}\n", o.name, o.batch, o.seed, o.output);
  }
  if (o.info) {
    print_stats(o.name, compute_model_stats(zoo::zoo_model(o.name, zo), 0), o.batch, o.per_node);
  }
}

void setup_zoo(CLI::App& root) {
  auto o = std::make_shared<ZooCliOptions>();
  auto* cmd = root.add_subcommand(
      "zoo", "Write a zoo model (resnet50, ssd300, mobilenet_v2) as ONNX, or print its size");
  cmd->add_option("name", o->name, "zoo model name (or, with --info, any ONNX file)");
  cmd->add_option("-o,--output", o->output, "ONNX file to write");
  auto* batch = cmd->add_option("--batch", o->batch, "fixed batch dimension (default 1)")
                    ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", o->seed, "seed of the pseudo-random weights (default 0)");
  cmd->add_flag("--info", o->info, "print parameter and MAC counts");
  cmd->add_flag("--per-node", o->per_node, "with --info: MACs, parameters and bytes per node");
  cmd->callback([o, batch] {
    o->batch_given = batch->count() > 0;
    run(*o);
  });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_zoo);
}  // namespace inferlab::cli
