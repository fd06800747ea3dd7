// The optimized program: compile (passes, oneDNN primitives, reorders, arena plan) and run.
#include "runtime/optimized_program.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

#include "kernels/onednn/onednn.h"
#include "passes/passes.h"
#include "runtime/optimized_plan.h"
#include "runtime/optimized_postops.h"
#include "runtime/optimized_precision.h"

namespace inferlab {
namespace {

using onednn::md;
using opt::Slot;
using opt::Step;

const dnnl::engine& cpu_engine() {
  static const dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

struct OptimizedState : ProgramState {
  explicit OptimizedState(const dnnl::engine& eng) : stream(eng) {}
  dnnl::stream stream;
  std::shared_ptr<std::byte> arena, scratch;
  std::vector<dnnl::memory> mem;  // per slot (empty handle when the slot has no md)
  std::vector<std::unordered_map<int, dnnl::memory>> args;  // per step
  std::vector<dnnl::primitive> out_reorders;
  std::vector<dnnl::memory> out_mem;
};

std::shared_ptr<std::byte> aligned_buffer(std::size_t bytes) {
  void* p = std::aligned_alloc(4096, std::max<std::size_t>(4096, (bytes + 4095) / 4096 * 4096));
  if (!p) fail("cannot allocate {} bytes of activation memory", bytes);
  return std::shared_ptr<std::byte>(static_cast<std::byte*>(p), [](std::byte* q) { free(q); });
}

class OptimizedProgram final : public Program {
 public:
  OptimizedProgram(std::shared_ptr<const Graph> g, const CompileOptions& o) : options_(o) {
    opt::check_precision_request(*g, options_.precision);
    auto graph = std::make_shared<Graph>(*g);
    optimize_graph(*graph);
    graph_ = graph;
    // oneDNN sizes a primitive's work split by the thread count at creation: create them with
    // the team size of the streams that will run them. (Weight reorders run on one thread, see
    // onednn::reorder_constant.)
    const int omp_threads = omp_get_max_threads();
    omp_set_num_threads(std::max(1, options_.threads_per_stream));
    try {
      compile();
    } catch (...) {
      omp_set_num_threads(omp_threads);
      throw;
    }
    omp_set_num_threads(omp_threads);
    opt::check_precision_result(*graph_, entries_, options_.precision);
    // Constants only oneDNN primitives read now live reordered inside them: drop the plain
    // copies (e.g. the BatchNorm-folded weights) so weights are held once.
    std::set<std::string> read_plain;
    for (const Slot& sl : slots_)
      if (sl.kind == Slot::Kind::constant) read_plain.insert(sl.value);
    std::vector<std::string> names;
    for (const auto& [name, v] : graph->values())
      if (v.constant && !read_plain.count(name)) names.push_back(name);
    for (const auto& name : names) graph->value(name).constant.reset();
  }

  std::unique_ptr<ProgramState> create_state() const override;
  void run(ProgramState& base, const std::vector<Tensor>& inputs,
           std::vector<Tensor>& outputs) const override;
  std::string dump() const override;
  std::size_t weight_bytes() const override { return weight_bytes_; }
  std::size_t activation_bytes() const override { return arena_bytes_ + scratch_bytes_; }
  std::vector<LayerProfile> layers() const override {
    std::vector<LayerProfile> v;
    for (const auto& e : entries_)
      if (e.implementation != "view") v.push_back(e);
    return v;
  }

 private:
  void compile();
  int new_slot(const std::string& value, const md& desc);
  int slot_for(const std::string& value);  // the value's first (produced) slot
  int get_as(const std::string& value, const md& want, int entry);
  int get_plain(const std::string& value, int entry);
  void use(int slot) {
    slots_[slot].last = static_cast<int>(steps_.size());
    if (slots_[slot].alias_of >= 0) use(slots_[slot].alias_of);
  }
  int new_alias(int base, const md& desc);
  // An alias of `base`'s bytes that holds `value` (another type of the same size) as `desc`.
  int retyped_alias(int base, const std::string& value, const md& desc);
  void add_reorder(int src, int dst, int entry);
  void add_reference(const Node& n, int entry);
  bool add_view(const Node& n);

  CompileOptions options_;
  std::shared_ptr<const Graph> graph_;
  std::vector<Slot> slots_;
  std::vector<Step> steps_;
  std::map<std::string, std::vector<int>> variants_;  // value -> slots (first: as produced)
  std::vector<int> output_slots_;
  std::vector<LayerProfile> entries_;  // per node: name, op, fused_from, impl, layout
  std::size_t arena_bytes_ = 0, scratch_bytes_ = 0, weight_bytes_ = 0;
  int reorders_ = 0, reference_nodes_ = 0;
};

int OptimizedProgram::new_slot(const std::string& value, const md& desc) {
  const Value& v = graph_->value(value);
  Slot s;
  s.value = value;
  s.dtype = v.dtype;
  s.shape = v.shape;
  s.desc = desc;
  s.bytes = s.has_md() ? desc.get_size()
                       : static_cast<std::size_t>(shape_numel(v.shape)) * dtype_size(v.dtype);
  s.def = static_cast<int>(steps_.size());
  s.last = s.def;
  slots_.push_back(std::move(s));
  return static_cast<int>(slots_.size()) - 1;
}

// The oneDNN data type of a value's own element type (f32, u8, s8); undef for others.
dnnl::memory::data_type natural_type(DType t) {
  using dt = dnnl::memory::data_type;
  return t == DType::f32 ? dt::f32 : t == DType::u8 ? dt::u8 : t == DType::i8 ? dt::s8 : dt::undef;
}

// The natural descriptor of a value: plain, in its own element type, when that is f32, u8 or
// s8 and it has elements and rank >= 1 (int8 primitives read and write u8/s8 values).
md natural_md(const Value& v) {
  const auto t = natural_type(v.dtype);
  if (t == dnnl::memory::data_type::undef || v.shape.empty() || shape_numel(v.shape) == 0)
    return md();
  return onednn::plain_md(v.shape, t);
}

int OptimizedProgram::slot_for(const std::string& value) {
  auto it = variants_.find(value);
  if (it != variants_.end()) return it->second.front();
  const Value& v = graph_->value(value);
  if (!v.constant) fail("value '{}' is used before it is computed", value);
  const int s = new_slot(value, natural_md(v));
  slots_[s].kind = Slot::Kind::constant;
  slots_[s].constant = &*v.constant;
  weight_bytes_ += v.constant->nbytes();
  variants_[value].push_back(s);
  return s;
}

// A reorder step between two slots. Like every step it uses the request's own scratchpad:
// primitives are shared by concurrent requests, so library-managed scratch memory could be too.
void OptimizedProgram::add_reorder(int src, int dst, int entry) {
  const dnnl::reorder::primitive_desc pd(cpu_engine(), slots_[src].desc, cpu_engine(),
                                         slots_[dst].desc, onednn::scratch_attr());
  Step st;
  st.kind = Step::Kind::reorder;
  st.prim = dnnl::reorder(pd);
  st.scratchpad = pd.scratchpad_desc();
  scratch_bytes_ = std::max(scratch_bytes_, st.scratchpad.get_size());
  st.args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
  st.entry = entry;
  use(src);
  steps_.push_back(std::move(st));
}

int OptimizedProgram::new_alias(int base, const md& desc) {
  Slot s = slots_[base];
  s.desc = desc;
  s.alias_of = base;
  s.def = static_cast<int>(steps_.size());
  slots_.push_back(std::move(s));
  return static_cast<int>(slots_.size()) - 1;
}

int OptimizedProgram::retyped_alias(int base, const std::string& value, const md& desc) {
  const int a = new_alias(base, desc);
  Slot& s = slots_[a];
  s.value = value;
  s.dtype = graph_->value(value).dtype;
  s.shape = graph_->value(value).shape;
  return a;
}

int OptimizedProgram::get_as(const std::string& value, const md& want, int entry) {
  const int first = slot_for(value);
  for (int s : variants_[value]) {
    if (slots_[s].desc == want) {
      use(s);
      return s;
    }
  }
  // Plain data wanted with other dimensions of the same bytes (e.g. a [C, 1, 1] operand as
  // [1, C, 1, 1]): a view, no copy.
  const Slot& f = slots_[first];
  if (f.has_md() && onednn::is_plain(f.desc, f.shape) && want.data.ndims > 0 &&
      want.get_size() == f.bytes && want.data_type() == f.desc.data_type()) {
    const auto dims = want.dims();
    if (want == onednn::plain_md(Shape(dims.begin(), dims.end()), want.data_type())) {
      const int a = new_alias(first, want);
      variants_[value].push_back(a);
      use(a);
      return a;
    }
  }
  // A reorder step into the wanted layout, shared by later consumers of the same layout.
  const int dst = new_slot(value, want);
  add_reorder(first, dst, entry);
  variants_[value].push_back(dst);
  use(dst);
  ++reorders_;
  return dst;
}

int OptimizedProgram::get_plain(const std::string& value, int entry) {
  const int first = slot_for(value);
  if (!slots_[first].has_md()) {
    use(first);
    return first;
  }
  // Plain in the value's own type (a bf16 or blocked f32 value is read back as plain f32).
  return get_as(value, natural_md(graph_->value(value)), entry);
}

// Reshape-like nodes on plain data are views of their input's buffer: no step, no copy.
bool OptimizedProgram::add_view(const Node& n) {
  const std::string& t = n.op_type;
  if (t != "Reshape" && t != "Flatten" && t != "Squeeze" && t != "Unsqueeze") return false;
  if (!n.has_input(0) || n.outputs.size() != 1 || n.outputs[0].empty()) return false;
  const Value& x = graph_->value(n.inputs[0]);
  const Value& y = graph_->value(n.outputs[0]);
  if (x.dtype != y.dtype || x.constant) return false;
  const int base = get_plain(n.inputs[0], static_cast<int>(entries_.size()));
  const int root = slots_[base].alias_of >= 0 ? slots_[base].alias_of : base;
  const int v = new_alias(root, natural_md(y));
  slots_[v].value = n.outputs[0];
  slots_[v].shape = y.shape;
  slots_[root].viewed = true;
  variants_[n.outputs[0]].push_back(v);
  use(v);
  return true;
}

void OptimizedProgram::add_reference(const Node& n, int entry) {
  Step st;
  st.kind = Step::Kind::reference;
  st.node = &n;
  st.schema = OpRegistry::find(n);
  if (!st.schema) unsupported("node '{}': unsupported op type '{}'", n.name, n.op_type);
  st.entry = entry;
  const auto& posts = n.post_ops;
  const std::size_t kernel_inputs =
      posts.empty() ? n.inputs.size() : std::min<std::size_t>(3, n.inputs.size());
  for (std::size_t i = 0; i < kernel_inputs; ++i)
    st.in_slots.push_back(n.has_input(i) ? get_plain(n.inputs[i], entry) : -1);
  if (n.inputs.size() > 3 && !posts.empty() && n.has_input(3))
    st.sum_slot = get_plain(n.inputs[3], entry);
  // Each get_plain above may have added a reorder step after the previous input's, which ended
  // that input's lifetime before this step: extend every input to this step, or the arena may
  // place this step's output over an input it still reads.
  for (int s : st.in_slots)
    if (s >= 0) use(s);
  if (st.sum_slot >= 0) use(st.sum_slot);
  for (const auto& o : n.outputs) {
    if (o.empty()) {
      st.out_slots.push_back(-1);
      continue;
    }
    const int s = new_slot(o, natural_md(graph_->value(o)));
    variants_[o].push_back(s);
    st.out_slots.push_back(s);
  }
  steps_.push_back(std::move(st));
  ++reference_nodes_;
}

void OptimizedProgram::compile() {
  const Graph& g = *graph_;
  for (std::size_t i = 0; i < g.inputs.size(); ++i) {
    const int s = new_slot(g.inputs[i], natural_md(g.value(g.inputs[i])));
    slots_[s].kind = Slot::Kind::input;
    slots_[s].input_index = static_cast<int>(i);
    variants_[g.inputs[i]].push_back(s);
  }
  // Remaining uses of each value, for in-place residual sums.
  std::map<std::string, int> uses;
  for (const Node& n : g.nodes)
    for (const auto& i : n.inputs)
      if (!i.empty()) ++uses[i];

  for (const Node& n : g.nodes) {
    const int entry = static_cast<int>(entries_.size());
    LayerProfile lp{n.name,
                    n.op_type,
                    n.fused_from,
                    "reference",
                    "plain",
                    0.0,
                    0,
                    reference_layer_precision(g, n)};
    if (lp.fused_from.empty()) lp.fused_from = {n.name};
    onednn::BuildContext ctx{cpu_engine(), g, options_, {}};
    for (std::size_t i = 0; i < n.inputs.size(); ++i) {
      if (!n.has_input(i)) {
        ctx.in.emplace_back();
        continue;
      }
      // Constants get a slot only when a step reads them as data (weights that a primitive
      // holds reordered never do), so weight accounting counts them once.
      auto it = variants_.find(n.inputs[i]);
      const Value& v = g.value(n.inputs[i]);
      if (it == variants_.end() && !v.constant)
        fail("node '{}' reads '{}' before it is computed", n.name, n.inputs[i]);
      ctx.in.push_back(it != variants_.end() ? slots_[it->second.front()].desc : natural_md(v));
    }
    if (add_view(n)) {
      for (const auto& i : n.inputs)
        if (!i.empty()) --uses[i];
      lp.implementation = "view";
      entries_.push_back(std::move(lp));
      continue;
    }
    std::optional<onednn::Built> built;
    if (n.outputs.size() == 1 && !n.outputs[0].empty()) built = onednn::build_node(n, ctx);
    for (const auto& i : n.inputs)
      if (!i.empty()) --uses[i];
    if (!built) {
      add_reference(n, entry);
      entries_.push_back(std::move(lp));
      continue;
    }
    Step st;
    st.kind = Step::Kind::primitive;
    st.prim = built->prim;
    st.scratchpad = built->scratchpad;
    st.entry = entry;
    for (auto& [arg, m] : built->constants) weight_bytes_ += m.get_desc().get_size();
    st.constants = std::move(built->constants);
    for (const auto& in : built->inputs)
      st.args.emplace_back(in.arg, get_as(n.inputs[in.index], in.desc, entry));
    const std::string& out = n.outputs[0];
    int dst = -1;
    if (built->sum_input >= 0) {
      // dst starts as the residual operand in dst's layout; in place when that buffer is not
      // needed afterwards, else a copy.
      // With a sum_desc (an int8 residual of the other 8-bit type), the residual's bytes are
      // placed as they are and dst is another descriptor of them.
      const std::string& r = n.inputs[built->sum_input];
      const bool retyped = built->sum_desc.data.ndims > 0;
      const int src = get_as(r, retyped ? built->sum_desc : built->dst, entry);
      const bool only_here = std::count(n.inputs.begin(), n.inputs.end(), r) == 1;
      if (slots_[src].kind == Slot::Kind::arena && slots_[src].alias_of < 0 &&
          !slots_[src].viewed && uses[r] == 0 && only_here && !g.is_graph_output(r)) {
        dst = retyped ? retyped_alias(src, out, built->dst) : src;
      } else {
        dst = new_slot(out, built->dst);
        add_reorder(src, retyped ? new_alias(dst, built->sum_desc) : dst, entry);
      }
    } else {
      dst = new_slot(out, built->dst_value.data.ndims ? built->dst_value : built->dst);
    }
    variants_[out].push_back(dst);
    const int written = built->dst_value.data.ndims ? new_alias(dst, built->dst) : dst;
    st.args.emplace_back(DNNL_ARG_DST, written);
    use(written);
    use(dst);
    lp.implementation = built->impl;
    // What the primitive computes in: its (first) source's type; a transposing reorder's, the
    // type it writes.
    lp.precision =
        !built->precision.empty()
            ? built->precision
            : onednn::precision_of(built->dst_value.data.ndims ? built->dst_value
                                                               : built->inputs.front().desc);
    lp.layout = onednn::layout_name(built->dst_value.data.ndims ? built->dst_value : built->dst);
    scratch_bytes_ = std::max(scratch_bytes_, built->scratchpad.get_size());
    steps_.push_back(std::move(st));
    entries_.push_back(std::move(lp));
  }
  for (const auto& o : g.outputs) {
    const int s = slot_for(o);
    slots_[s].last = static_cast<int>(steps_.size());
    if (slots_[s].alias_of >= 0) slots_[slots_[s].alias_of].last = slots_[s].last;
    output_slots_.push_back(s);
  }
  arena_bytes_ = opt::plan_arena(slots_);
}

std::unique_ptr<ProgramState> OptimizedProgram::create_state() const {
  const dnnl::engine& eng = cpu_engine();
  auto st = std::make_unique<OptimizedState>(eng);
  st->arena = aligned_buffer(arena_bytes_);
  st->scratch = aligned_buffer(scratch_bytes_);
  // Touch the pages now so the first inference does not pay for page faults.
  std::memset(st->arena.get(), 0, arena_bytes_);
  std::memset(st->scratch.get(), 0, scratch_bytes_);
  st->mem.resize(slots_.size());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (!s.has_md()) continue;
    const Slot& base = s.alias_of >= 0 ? slots_[s.alias_of] : s;
    void* h = s.kind == Slot::Kind::arena      ? st->arena.get() + base.offset
              : s.kind == Slot::Kind::constant ? const_cast<void*>(s.constant->raw())
                                               : nullptr;
    st->mem[i] = dnnl::memory(s.desc, eng, h);
  }
  for (const Step& step : steps_) {
    std::unordered_map<int, dnnl::memory> a = step.constants;
    for (const auto& [arg, slot] : step.args) a[arg] = st->mem[slot];
    if (step.scratchpad.get_size() > 0)
      a[DNNL_ARG_SCRATCHPAD] = dnnl::memory(step.scratchpad, eng, st->scratch.get());
    st->args.push_back(std::move(a));
  }
  for (int s : output_slots_) {
    const Slot& sl = slots_[s];
    const md plain = natural_md(graph_->value(sl.value));
    if (sl.has_md() && sl.desc != plain) {  // blocked, or bf16: into the port's own type
      st->out_reorders.push_back(
          dnnl::reorder(dnnl::reorder::primitive_desc(eng, sl.desc, eng, plain)));
      st->out_mem.emplace_back(plain, eng, nullptr);
    } else {
      st->out_reorders.emplace_back();
      st->out_mem.emplace_back();
    }
  }
  if (st->collect_profile) st->profile = entries_;
  return st;
}

void OptimizedProgram::run(ProgramState& base, const std::vector<Tensor>& inputs,
                           std::vector<Tensor>& outputs) const {
  auto& st = static_cast<OptimizedState&>(base);
  if (st.collect_profile && st.profile.size() != entries_.size()) st.profile = entries_;
  auto data_of = [&](int s) -> std::byte* {
    const Slot& sl = slots_[s];
    if (sl.kind == Slot::Kind::arena) return st.arena.get() + sl.offset;
    if (sl.kind == Slot::Kind::constant)
      return static_cast<std::byte*>(const_cast<void*>(sl.constant->raw()));
    return static_cast<std::byte*>(const_cast<void*>(inputs[sl.input_index].raw()));
  };
  auto tensor_of = [&](int s) {
    const Slot& sl = slots_[s];
    if (sl.alias_of >= 0) return Tensor::view(sl.dtype, sl.shape, data_of(s));
    if (sl.kind == Slot::Kind::input) return inputs[sl.input_index];
    if (sl.kind == Slot::Kind::constant) return *sl.constant;
    return Tensor::view(sl.dtype, sl.shape, data_of(s));
  };
  for (std::size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].kind == Slot::Kind::input && slots_[i].has_md())
      st.mem[i].set_data_handle(data_of(static_cast<int>(i)));

  for (std::size_t k = 0; k < steps_.size(); ++k) {
    const Step& step = steps_[k];
    const auto t0 = std::chrono::steady_clock::now();
    if (step.kind != Step::Kind::reference) {
      step.prim.execute(st.stream, st.args[k]);
      st.stream.wait();
    } else {
      std::vector<Tensor> in, out;
      for (int s : step.in_slots) in.push_back(s < 0 ? Tensor() : tensor_of(s));
      for (int s : step.out_slots) {
        if (s < 0) {
          out.emplace_back();
          continue;
        }
        std::memset(data_of(s), 0, slots_[s].bytes);  // kernels may expect zeroed outputs
        out.push_back(tensor_of(s));
      }
      step.schema->run(*step.node, in, out);
      if (!step.node->post_ops.empty())
        apply_post_ops_plain(step.node->post_ops, out[0],
                             step.sum_slot < 0 ? Tensor() : tensor_of(step.sum_slot));
    }
    if (st.collect_profile) {
      const std::chrono::duration<double, std::milli> dt = std::chrono::steady_clock::now() - t0;
      st.profile[step.entry].time_ms += dt.count();
      if (step.kind != Step::Kind::reorder) st.profile[step.entry].count += 1;
    }
  }
  outputs.resize(output_slots_.size());
  for (std::size_t i = 0; i < output_slots_.size(); ++i) {
    const Slot& sl = slots_[output_slots_[i]];
    Tensor& t = outputs[i];
    if (t.empty() || t.dtype() != sl.dtype || t.shape() != sl.shape) t = Tensor(sl.dtype, sl.shape);
    if (st.out_reorders[i]) {
      st.out_mem[i].set_data_handle(t.raw());
      st.out_reorders[i].execute(
          st.stream, {{DNNL_ARG_FROM, st.mem[output_slots_[i]]}, {DNNL_ARG_TO, st.out_mem[i]}});
      st.stream.wait();
    } else if (t.nbytes()) {
      std::memcpy(t.raw(), data_of(output_slots_[i]), t.nbytes());
    }
  }
}

std::string OptimizedProgram::dump() const {
  std::string s = fmt::format(
      "# optimized program: {} nodes ({} reference), {} reorders, weights {} bytes, "
      "activations {} bytes (arena {} + scratchpad {})\n# precision {}: {}\n",
      entries_.size(), reference_nodes_, reorders_, weight_bytes_, activation_bytes(), arena_bytes_,
      scratch_bytes_, precision_name(options_.precision), precision_summary(layers()));
  std::size_t e = 0;
  for (const Node& n : graph_->nodes) {
    const LayerProfile& lp = entries_[e++];
    s += fmt::format("{:<32} {:<18} [{}] layout={} precision={}", n.name, n.op_type,
                     lp.implementation, lp.layout, lp.precision);
    for (const auto& o : n.outputs)
      if (!o.empty()) s += " " + o + ":" + shape_str(graph_->value(o).shape);
    std::string posts;
    for (const auto& p : n.post_ops)
      posts += (posts.empty() ? "" : ",") + std::string(post_op_name(p.kind));
    if (!posts.empty()) s += " post=" + posts;
    if (lp.fused_from.size() > 1) {
      std::string f;
      for (const auto& x : lp.fused_from) f += (f.empty() ? "" : ",") + x;
      s += " fused=" + f;
    }
    s += "\n";
  }
  return s;
}

const bool registered = register_engine("optimized", make_optimized_program);

}  // namespace

std::unique_ptr<Program> make_optimized_program(std::shared_ptr<const Graph> g,
                                                const CompileOptions& options) {
  return std::make_unique<OptimizedProgram>(std::move(g), options);
}

}  // namespace inferlab
