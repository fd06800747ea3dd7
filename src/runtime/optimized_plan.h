#pragma once
// The optimized program's plan: what compiling produces (optimized_compile.cpp) and what the
// runner (optimized_program.cpp) and the dump (optimized_dump.cpp) only read. Buffers ("slots":
// one value in one layout), steps, the arena layout; plus the liveness-based arena planner.
#include <oneapi/dnnl/dnnl.hpp>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "inferlab/inferlab.h"
#include "ir/graph.h"
#include "ops/registry.h"
#include "runtime/program.h"

namespace inferlab::opt {

struct Slot {
  std::string value;
  DType dtype = DType::undefined;
  Shape shape;
  dnnl::memory::desc desc;  // f32 with rank >= 1 and elements; else ndims == 0
  std::size_t bytes = 0;
  enum class Kind { arena, input, constant } kind = Kind::arena;
  int input_index = -1;
  const Tensor* constant = nullptr;
  int def = -1, last = -1;  // step indices (inclusive)
  std::size_t offset = 0;   // in the arena
  // >= 0: this slot is another descriptor of slot `alias_of`'s bytes (a reshaped or
  // transposed view of plain data); it has no storage of its own.
  int alias_of = -1;
  bool viewed = false;  // another value is a view of this buffer: never overwrite it in place
  bool has_md() const { return desc.data.ndims > 0; }
};

struct Step {
  enum class Kind { primitive, reorder, reference } kind = Kind::primitive;
  dnnl::primitive prim;
  std::vector<std::pair<int, int>> args;  // (DNNL_ARG_*, slot)
  std::unordered_map<int, dnnl::memory> constants;
  dnnl::memory::desc scratchpad;
  // Reference steps: the node (its typed post_ops included) and its kernel, resolved once.
  const Node* node = nullptr;
  const OpSchema* schema = nullptr;
  std::vector<int> in_slots, out_slots;  // -1 for absent
  int sum_slot = -1;                     // fused residual operand (plain), reference steps
  int entry = -1;                        // profile entry (node) this step's time counts to
};

// A graph output: its slot and, when that slot is blocked or bf16, the reorder into the port's
// own plain type (created at compile time; a null primitive when the slot is already plain).
struct Output {
  int slot = -1;
  dnnl::memory::desc plain;
  dnnl::primitive reorder;
  dnnl::memory::desc scratchpad;
};

// Everything run() needs, fixed when compiling. `graph` is the optimized graph: reference steps
// point to its nodes and the dump prints them; its constants are only those a step reads as
// plain data (the others live reordered inside the primitives).
struct Plan {
  CompileOptions options;
  std::shared_ptr<const Graph> graph;
  std::vector<Slot> slots;
  std::vector<Step> steps;
  std::vector<int> input_slots;  // slots reading a graph input (their handle is set per run)
  std::vector<Output> outputs;
  std::vector<LayerProfile> entries;  // per node: name, op, fused_from, impl, layout
  std::size_t arena_bytes = 0, scratch_bytes = 0, weight_bytes = 0;
  int reorders = 0, reference_nodes = 0;
};

const dnnl::engine& cpu_engine();

// Passes, primitive selection, reorders and the arena plan for `g` (docs/engine.md).
std::unique_ptr<const Plan> compile_plan(const Graph& g, const CompileOptions& options);

// The --dump-graph text of a plan.
std::string dump_plan(const Plan& p);

// Assigns arena offsets to arena slots so that slots alive at the same time never overlap.
// Returns the arena size.
std::size_t plan_arena(std::vector<Slot>& slots);

}  // namespace inferlab::opt
