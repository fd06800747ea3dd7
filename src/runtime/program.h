#pragma once
// A Program is a compiled, immutable executable form of a graph, shared by all streams and
// requests of a CompiledModel. Mutable per-request memory (activations, scratchpads, profile
// counters) lives in a ProgramState so several requests can run one Program concurrently.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "inferlab/inferlab.h"
#include "ir/graph.h"

namespace inferlab {

struct ProgramState {
  virtual ~ProgramState() = default;
  bool collect_profile = false;
  std::vector<LayerProfile> profile;  // one entry per executed node when collect_profile
};

class Program {
 public:
  virtual ~Program() = default;
  virtual std::unique_ptr<ProgramState> create_state() const = 0;
  // `inputs` follow CompiledModel::inputs() order and are already validated. `outputs` has one
  // slot per model output; the program fills them (it may reuse tensors already there).
  virtual void run(ProgramState& state, const std::vector<Tensor>& inputs,
                   std::vector<Tensor>& outputs) const = 0;
  virtual std::string dump() const = 0;
  virtual std::size_t weight_bytes() const { return 0; }
  virtual std::size_t activation_bytes() const { return 0; }
  // The program's layers with implementation, layout and precision (no timings).
  virtual std::vector<LayerProfile> layers() const = 0;
};

// "bf16: 20 layers, f32: 2 layers (Softmax_0, Gemm_1)" (see CompiledModel::precision_summary).
std::string precision_summary(const std::vector<LayerProfile>& layers);
// The precision a node computes in on its reference kernel: "i8" for the integer operators of
// quantized models (QLinearConv, ConvInteger, ...) and for operators reading an 8-bit integer
// tensor (MaxPool, Split, ... on u8 data) except DequantizeLinear, else "f32".
std::string reference_layer_precision(const Graph& g, const Node& n);

// Engines register a factory under a name ("reference", "optimized"); CompileOptions::engine
// picks one. The graph passed in has static shapes and folded constants.
using ProgramFactory =
    std::function<std::unique_ptr<Program>(std::shared_ptr<const Graph>, const CompileOptions&)>;
bool register_engine(const std::string& name, ProgramFactory factory);
const ProgramFactory* find_engine(const std::string& name);

}  // namespace inferlab
