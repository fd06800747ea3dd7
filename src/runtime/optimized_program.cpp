// The optimized program's runner: executes an immutable opt::Plan (optimized_compile.cpp). Per
// request it owns the arena, the scratchpad and every oneDNN argument list, all built once in
// create_state(); an inference then only sets the input handles, executes the steps and copies
// the outputs: no attribute parsing, no allocation by the runner (the request's output tensors
// are reused when their type and shape match), no clock reads unless profiling.
#include "runtime/optimized_program.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "runtime/optimized_plan.h"
#include "runtime/optimized_postops.h"

namespace inferlab {
namespace {

using opt::Plan;
using opt::Slot;
using opt::Step;

struct OptimizedState : ProgramState {
  explicit OptimizedState(const dnnl::engine& eng) : stream(eng) {}
  dnnl::stream stream;
  std::shared_ptr<std::byte> arena, scratch;
  std::vector<dnnl::memory> mem;          // per slot (empty handle when the slot has no md)
  std::vector<dnnl::memory> scratch_mem;  // per step and output (keeps the C handles alive)
  // Per step: oneDNN's C argument list, built once (the C++ execute() builds one per call).
  std::vector<std::vector<dnnl_exec_arg_t>> args;
  // Per reference step: input and output tensors (views of the arena or the constants; those of
  // graph inputs are re-pointed each run).
  std::vector<std::vector<Tensor>> ref_in, ref_out;
  std::vector<Tensor> ref_sum;        // per reference step: the fused residual operand, if any
  std::vector<dnnl::memory> out_mem;  // per output with a reorder: the port tensor's handle
  std::vector<std::vector<dnnl_exec_arg_t>> out_args;
};

std::shared_ptr<std::byte> aligned_buffer(std::size_t bytes) {
  void* p = std::aligned_alloc(4096, std::max<std::size_t>(4096, (bytes + 4095) / 4096 * 4096));
  if (!p) fail(ErrorCode::out_of_memory, "cannot allocate {} bytes of activation memory", bytes);
  return std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* q) { free(q); });
}

void execute(const dnnl::primitive& prim, dnnl::stream& s, std::vector<dnnl_exec_arg_t>& args) {
  dnnl::error::wrap_c_api(
      dnnl_primitive_execute(prim.get(), s.get(), static_cast<int>(args.size()), args.data()),
      "could not execute a primitive");
  s.wait();
}

class OptimizedProgram final : public Program {
 public:
  explicit OptimizedProgram(std::unique_ptr<const Plan> plan) : p_(std::move(plan)) {}

  std::unique_ptr<ProgramState> create_state() const override;
  void run(ProgramState& base, const std::vector<Tensor>& inputs,
           std::vector<Tensor>& outputs) const override;
  std::string dump() const override { return opt::dump_plan(*p_); }
  std::size_t weight_bytes() const override { return p_->weight_bytes; }
  std::size_t activation_bytes() const override { return p_->arena_bytes + p_->scratch_bytes; }
  std::vector<LayerProfile> layers() const override {
    std::vector<LayerProfile> v;
    for (const auto& e : p_->entries)
      if (e.implementation != "view") v.push_back(e);
    return v;
  }

 private:
  std::byte* data_of(const OptimizedState& st, const std::vector<Tensor>& inputs, int s) const {
    const Slot& sl = p_->slots[s];
    if (sl.kind == Slot::Kind::arena) return st.arena.get() + sl.offset;
    if (sl.kind == Slot::Kind::constant)
      return static_cast<std::byte*>(const_cast<void*>(sl.constant->raw()));
    return static_cast<std::byte*>(const_cast<void*>(inputs[sl.input_index].raw()));
  }
  // The tensor of a slot; graph inputs are the caller's tensors (or views of them).
  Tensor tensor_of(const OptimizedState& st, const std::vector<Tensor>& inputs, int s) const {
    const Slot& sl = p_->slots[s];
    if (sl.alias_of >= 0) return Tensor::view(sl.dtype, sl.shape, data_of(st, inputs, s));
    if (sl.kind == Slot::Kind::input) return inputs[sl.input_index];
    if (sl.kind == Slot::Kind::constant) return *sl.constant;
    return Tensor::view(sl.dtype, sl.shape, data_of(st, inputs, s));
  }
  void run_reference(OptimizedState& st, const std::vector<Tensor>& inputs, std::size_t k) const;
  void copy_outputs(OptimizedState& st, const std::vector<Tensor>& inputs,
                    std::vector<Tensor>& outputs) const;

  std::unique_ptr<const Plan> p_;
};

std::unique_ptr<ProgramState> OptimizedProgram::create_state() const {
  const dnnl::engine& eng = opt::cpu_engine();
  const Plan& p = *p_;
  auto st = std::make_unique<OptimizedState>(eng);
  st->arena = aligned_buffer(p.arena_bytes);
  st->scratch = aligned_buffer(p.scratch_bytes);
  // Touch the pages now so the first inference does not pay for page faults.
  std::memset(st->arena.get(), 0, p.arena_bytes);
  std::memset(st->scratch.get(), 0, p.scratch_bytes);
  const std::vector<Tensor> no_inputs;
  st->mem.resize(p.slots.size());
  for (std::size_t i = 0; i < p.slots.size(); ++i) {
    const Slot& s = p.slots[i];
    if (!s.has_md()) continue;
    const Slot& base = s.alias_of >= 0 ? p.slots[s.alias_of] : s;
    void* h = s.kind == Slot::Kind::arena      ? st->arena.get() + base.offset
              : s.kind == Slot::Kind::constant ? const_cast<void*>(s.constant->raw())
                                               : nullptr;
    st->mem[i] = dnnl::memory(s.desc, eng, h);
  }
  auto scratch_arg = [&](const dnnl::memory::desc& d, std::vector<dnnl_exec_arg_t>& a) {
    if (d.get_size() == 0) return;
    st->scratch_mem.emplace_back(d, eng, st->scratch.get());
    a.push_back({DNNL_ARG_SCRATCHPAD, st->scratch_mem.back().get()});
  };
  st->scratch_mem.reserve(p.steps.size() + p.outputs.size());  // handles stay where they are
  st->args.resize(p.steps.size());
  st->ref_in.resize(p.steps.size());
  st->ref_out.resize(p.steps.size());
  st->ref_sum.resize(p.steps.size());
  for (std::size_t k = 0; k < p.steps.size(); ++k) {
    const Step& step = p.steps[k];
    if (step.kind == Step::Kind::reference) {
      // Graph-input slots get a placeholder here and their tensor at each run.
      for (int s : step.in_slots)
        st->ref_in[k].push_back(s < 0 || p.slots[s].kind == Slot::Kind::input
                                    ? Tensor()
                                    : tensor_of(*st, no_inputs, s));
      for (int s : step.out_slots)
        st->ref_out[k].push_back(s < 0 ? Tensor() : tensor_of(*st, no_inputs, s));
      const int sum = step.sum_slot;
      if (sum >= 0 && p.slots[sum].kind != Slot::Kind::input)
        st->ref_sum[k] = tensor_of(*st, no_inputs, sum);
      continue;
    }
    auto& a = st->args[k];
    for (const auto& [arg, m] : step.constants) a.push_back({arg, m.get()});
    for (const auto& [arg, slot] : step.args) a.push_back({arg, st->mem[slot].get()});
    scratch_arg(step.scratchpad, a);
  }
  for (const auto& o : p.outputs) {
    st->out_mem.emplace_back();
    st->out_args.emplace_back();
    if (!o.reorder) continue;
    st->out_mem.back() = dnnl::memory(o.plain, eng, nullptr);
    auto& a = st->out_args.back();
    a = {{DNNL_ARG_FROM, st->mem[o.slot].get()}, {DNNL_ARG_TO, st->out_mem.back().get()}};
    scratch_arg(o.scratchpad, a);
  }
  if (st->collect_profile) st->profile = p.entries;
  return st;
}

void OptimizedProgram::run_reference(OptimizedState& st, const std::vector<Tensor>& inputs,
                                     std::size_t k) const {
  const Step& step = p_->steps[k];
  auto& in = st.ref_in[k];
  auto& out = st.ref_out[k];
  for (std::size_t i = 0; i < step.in_slots.size(); ++i) {
    const int s = step.in_slots[i];
    if (s < 0 || p_->slots[s].kind != Slot::Kind::input) continue;
    const Slot& sl = p_->slots[s];
    // Copy-assigned: reuses the placeholder's shape storage after the first run. A view of a
    // graph input with other dimensions is built per run (it is not known before).
    if (sl.alias_of < 0)
      in[i] = inputs[sl.input_index];
    else
      in[i] = tensor_of(st, inputs, s);
  }
  for (std::size_t i = 0; i < step.out_slots.size(); ++i)  // kernels may expect zeroed outputs
    if (step.out_slots[i] >= 0) std::memset(out[i].raw(), 0, p_->slots[step.out_slots[i]].bytes);
  step.schema->run(*step.node, in, out);
  if (!step.node->post_ops.empty())
    apply_post_ops_plain(step.node->post_ops, out[0],
                         step.sum_slot >= 0 && st.ref_sum[k].empty()
                             ? tensor_of(st, inputs, step.sum_slot)  // a graph input
                             : st.ref_sum[k]);
}

void OptimizedProgram::run(ProgramState& base, const std::vector<Tensor>& inputs,
                           std::vector<Tensor>& outputs) const {
  auto& st = static_cast<OptimizedState&>(base);
  const Plan& p = *p_;
  if (st.collect_profile && st.profile.size() != p.entries.size()) st.profile = p.entries;
  for (int s : p.input_slots) st.mem[s].set_data_handle(data_of(st, inputs, s));
  using clock = std::chrono::steady_clock;
  for (std::size_t k = 0; k < p.steps.size(); ++k) {
    const Step& step = p.steps[k];
    const clock::time_point t0 = st.collect_profile ? clock::now() : clock::time_point();
    if (step.kind != Step::Kind::reference)
      execute(step.prim, st.stream, st.args[k]);
    else
      run_reference(st, inputs, k);
    if (st.collect_profile) {
      const std::chrono::duration<double, std::milli> dt = clock::now() - t0;
      st.profile[step.entry].time_ms += dt.count();
      if (step.kind != Step::Kind::reorder) st.profile[step.entry].count += 1;
    }
  }
  copy_outputs(st, inputs, outputs);
}

// Into the request's output tensors, reused when type and shape match (allocated otherwise).
void OptimizedProgram::copy_outputs(OptimizedState& st, const std::vector<Tensor>& inputs,
                                    std::vector<Tensor>& outputs) const {
  outputs.resize(p_->outputs.size());
  for (std::size_t i = 0; i < p_->outputs.size(); ++i) {
    const opt::Output& o = p_->outputs[i];
    const Slot& sl = p_->slots[o.slot];
    Tensor& t = outputs[i];
    if (t.empty() || t.dtype() != sl.dtype || t.shape() != sl.shape) t = Tensor(sl.dtype, sl.shape);
    if (o.reorder) {
      st.out_mem[i].set_data_handle(t.raw());
      execute(o.reorder, st.stream, st.out_args[i]);
    } else if (t.nbytes()) {
      std::memcpy(t.raw(), data_of(st, inputs, o.slot), t.nbytes());
    }
  }
}

const bool registered = register_engine("optimized", make_optimized_program);

}  // namespace

std::unique_ptr<Program> make_optimized_program(std::shared_ptr<const Graph> g,
                                                const CompileOptions& options) {
  return std::make_unique<OptimizedProgram>(opt::compile_plan(*g, options));
}

}  // namespace inferlab
