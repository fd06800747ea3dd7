#pragma once
// Compile-time structures of the optimized program: buffers ("slots": one value in one
// layout) and steps, plus the liveness-based arena planner.
#include <oneapi/dnnl/dnnl.hpp>

#include <string>
#include <unordered_map>
#include <vector>

#include "inferlab/inferlab.h"
#include "ir/graph.h"
#include "ops/registry.h"

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
  // Reference steps.
  const Node* node = nullptr;
  const OpSchema* schema = nullptr;
  std::vector<int> in_slots, out_slots;  // -1 for absent
  int sum_slot = -1;                     // fused residual operand (plain), reference steps
  int entry = -1;                        // profile entry (node) this step's time counts to
};

// Assigns arena offsets to arena slots so that slots alive at the same time never overlap.
// Returns the arena size.
std::size_t plan_arena(std::vector<Slot>& slots);

}  // namespace inferlab::opt
