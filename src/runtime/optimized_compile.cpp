// Compiling the optimized program: graph passes, one oneDNN primitive or reference step per node,
// reorders only where a consumer needs another layout, the arena plan (docs/engine.md). The
// result is an immutable opt::Plan; nothing here runs at inference time.
#include <omp.h>

#include <algorithm>
#include <map>
#include <set>

#include "kernels/onednn/onednn.h"
#include "passes/passes.h"
#include "runtime/optimized_plan.h"
#include "runtime/optimized_precision.h"

namespace inferlab::opt {

const dnnl::engine& cpu_engine() {
  static const dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

namespace {

using onednn::md;

class PlanBuilder {
 public:
  PlanBuilder(Plan& p, Graph& g) : p_(p), g_(g) {}
  void compile();

 private:
  void add_node(const Node& n);
  void add_primitive(const Node& n, onednn::Built& built, LayerProfile& lp, int entry);
  int new_slot(const std::string& value, const md& desc);
  int slot_for(const std::string& value);  // the value's first (produced) slot
  int get_as(const std::string& value, const md& want, int entry);
  int get_plain(const std::string& value, int entry);
  void use(int slot) {
    p_.slots[slot].last = static_cast<int>(p_.steps.size());
    if (p_.slots[slot].alias_of >= 0) use(p_.slots[slot].alias_of);
  }
  int new_alias(int base, const md& desc);
  // An alias of `base`'s bytes that holds `value` (another type of the same size) as `desc`.
  int retyped_alias(int base, const std::string& value, const md& desc);
  void add_reorder(int src, int dst, int entry);
  void add_reference(const Node& n, int entry);
  bool add_view(const Node& n);

  void release_constants(const Node& n);

  Plan& p_;
  Graph& g_;
  std::map<std::string, std::vector<int>> variants_;  // value -> slots (first: as produced)
  std::map<std::string, int> uses_;                   // remaining reads of each value
};

int PlanBuilder::new_slot(const std::string& value, const md& desc) {
  const Value& v = g_.value(value);
  Slot s;
  s.value = value;
  s.dtype = v.dtype;
  s.shape = v.shape;
  s.desc = desc;
  s.bytes = s.has_md() ? desc.get_size()
                       : static_cast<std::size_t>(shape_numel(v.shape)) * dtype_size(v.dtype);
  s.def = static_cast<int>(p_.steps.size());
  s.last = s.def;
  p_.slots.push_back(std::move(s));
  return static_cast<int>(p_.slots.size()) - 1;
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

int PlanBuilder::slot_for(const std::string& value) {
  auto it = variants_.find(value);
  if (it != variants_.end()) return it->second.front();
  const Value& v = g_.value(value);
  if (!v.constant) fail("value '{}' is used before it is computed", value);
  const int s = new_slot(value, natural_md(v));
  p_.slots[s].kind = Slot::Kind::constant;
  p_.slots[s].constant = &*v.constant;
  p_.weight_bytes += v.constant->nbytes();
  variants_[value].push_back(s);
  return s;
}

// A reorder step between two slots. Like every step it uses the request's own scratchpad:
// primitives are shared by concurrent requests, so library-managed scratch memory could be too.
void PlanBuilder::add_reorder(int src, int dst, int entry) {
  const dnnl::reorder::primitive_desc pd(cpu_engine(), p_.slots[src].desc, cpu_engine(),
                                         p_.slots[dst].desc, onednn::scratch_attr());
  Step st;
  st.kind = Step::Kind::reorder;
  st.prim = dnnl::reorder(pd);
  st.scratchpad = pd.scratchpad_desc();
  p_.scratch_bytes = std::max(p_.scratch_bytes, st.scratchpad.get_size());
  st.args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
  st.entry = entry;
  use(src);
  p_.steps.push_back(std::move(st));
}

int PlanBuilder::new_alias(int base, const md& desc) {
  Slot s = p_.slots[base];
  s.desc = desc;
  s.alias_of = base;
  s.def = static_cast<int>(p_.steps.size());
  p_.slots.push_back(std::move(s));
  return static_cast<int>(p_.slots.size()) - 1;
}

int PlanBuilder::retyped_alias(int base, const std::string& value, const md& desc) {
  const int a = new_alias(base, desc);
  Slot& s = p_.slots[a];
  s.value = value;
  s.dtype = g_.value(value).dtype;
  s.shape = g_.value(value).shape;
  return a;
}

int PlanBuilder::get_as(const std::string& value, const md& want, int entry) {
  const int first = slot_for(value);
  for (int s : variants_[value]) {
    if (p_.slots[s].desc == want) {
      use(s);
      return s;
    }
  }
  // Plain data wanted with other dimensions of the same bytes (e.g. a [C, 1, 1] operand as
  // [1, C, 1, 1]): a view, no copy.
  const Slot& f = p_.slots[first];
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
  ++p_.reorders;
  return dst;
}

int PlanBuilder::get_plain(const std::string& value, int entry) {
  const int first = slot_for(value);
  if (!p_.slots[first].has_md()) {
    use(first);
    return first;
  }
  // Plain in the value's own type (a bf16 or blocked f32 value is read back as plain f32).
  return get_as(value, natural_md(g_.value(value)), entry);
}

// Reshape-like nodes on plain data are views of their input's buffer: no step, no copy.
bool PlanBuilder::add_view(const Node& n) {
  const std::string& t = n.op_type;
  if (t != "Reshape" && t != "Flatten" && t != "Squeeze" && t != "Unsqueeze") return false;
  if (!n.has_input(0) || n.outputs.size() != 1 || n.outputs[0].empty()) return false;
  const Value& x = g_.value(n.inputs[0]);
  const Value& y = g_.value(n.outputs[0]);
  if (x.dtype != y.dtype || x.constant) return false;
  const int base = get_plain(n.inputs[0], static_cast<int>(p_.entries.size()));
  const int root = p_.slots[base].alias_of >= 0 ? p_.slots[base].alias_of : base;
  const int v = new_alias(root, natural_md(y));
  p_.slots[v].value = n.outputs[0];
  p_.slots[v].shape = y.shape;
  p_.slots[root].viewed = true;
  variants_[n.outputs[0]].push_back(v);
  use(v);
  return true;
}

void PlanBuilder::add_reference(const Node& n, int entry) {
  Step st;
  st.kind = Step::Kind::reference;
  st.node = &n;
  st.schema = OpRegistry::find(n);
  if (!st.schema) unsupported("node '{}': unsupported op type '{}'", n.name, n.op_type);
  st.entry = entry;
  const auto& posts = n.post_ops;
  for (const PostOp& q : posts)
    if (q.kind == PostOpKind::depthwise)  // fuse_depthwise accepted it as a oneDNN primitive
      fail("node '{}': oneDNN refused the fused depthwise convolution it accepted before", n.name);
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
    const int s = new_slot(o, natural_md(g_.value(o)));
    variants_[o].push_back(s);
    st.out_slots.push_back(s);
  }
  p_.steps.push_back(std::move(st));
  ++p_.reference_nodes;
}

void PlanBuilder::compile() {
  const Graph& g = g_;
  for (std::size_t i = 0; i < g.inputs.size(); ++i) {
    const int s = new_slot(g.inputs[i], natural_md(g.value(g.inputs[i])));
    p_.slots[s].kind = Slot::Kind::input;
    p_.slots[s].input_index = static_cast<int>(i);
    variants_[g.inputs[i]].push_back(s);
  }
  // Remaining uses of each value, for in-place residual sums.
  for (const Node& n : g.nodes)
    for (const auto& i : n.inputs)
      if (!i.empty()) ++uses_[i];

  for (const Node& n : g.nodes) add_node(n);
  for (const auto& o : g.outputs) {
    const int s = slot_for(o);
    p_.slots[s].last = static_cast<int>(p_.steps.size());
    if (p_.slots[s].alias_of >= 0) p_.slots[p_.slots[s].alias_of].last = p_.slots[s].last;
    Output out;
    out.slot = s;
    out.plain = natural_md(g.value(o));
    const Slot& sl = p_.slots[s];
    if (sl.has_md() && sl.desc != out.plain) {  // blocked, or bf16: into the port's own type
      const dnnl::reorder::primitive_desc pd(cpu_engine(), sl.desc, cpu_engine(), out.plain,
                                             onednn::scratch_attr());
      out.reorder = dnnl::reorder(pd);
      out.scratchpad = pd.scratchpad_desc();
      p_.scratch_bytes = std::max(p_.scratch_bytes, out.scratchpad.get_size());
    }
    p_.outputs.push_back(std::move(out));
  }
  for (std::size_t i = 0; i < p_.slots.size(); ++i)
    if (p_.slots[i].kind == Slot::Kind::input && p_.slots[i].has_md())
      p_.input_slots.push_back(static_cast<int>(i));
  p_.arena_bytes = plan_arena(p_.slots);
}

// One node: a view, a oneDNN primitive (with reorders into the layouts it wants) or its
// reference kernel on plain data.
void PlanBuilder::add_node(const Node& n) {
  const Graph& g = g_;
  const int entry = static_cast<int>(p_.entries.size());
  LayerProfile lp{n.name,
                  n.op_type,
                  n.fused_from,
                  "reference",
                  "plain",
                  0.0,
                  0,
                  reference_layer_precision(g, n)};
  if (lp.fused_from.empty()) lp.fused_from = {n.name};
  onednn::BuildContext ctx{cpu_engine(), g, p_.options, {}};
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
    ctx.in.push_back(it != variants_.end() ? p_.slots[it->second.front()].desc : natural_md(v));
  }
  if (add_view(n)) {
    for (const auto& i : n.inputs)
      if (!i.empty()) --uses_[i];
    lp.implementation = "view";
    p_.entries.push_back(std::move(lp));
    return;
  }
  std::optional<onednn::Built> built;
  if (n.outputs.size() == 1 && !n.outputs[0].empty()) built = onednn::build_node(n, ctx);
  for (const auto& i : n.inputs)
    if (!i.empty()) --uses_[i];
  if (!built) {
    add_reference(n, entry);
    p_.entries.push_back(std::move(lp));
    return;
  }
  add_primitive(n, *built, lp, entry);
  p_.entries.push_back(std::move(lp));
  release_constants(n);
}

// Constants the primitive now holds reordered, read by no later node and by no step as plain
// data: their plain copy (e.g. BatchNorm-folded weights, which only this graph holds) is
// dropped now rather than after compiling, so the next layer's reorder reuses the memory and
// the compile's peak stays near source + reordered weights instead of source + folded +
// reordered.
void PlanBuilder::release_constants(const Node& n) {
  for (const auto& i : n.inputs) {
    if (i.empty() || uses_[i] != 0 || variants_.count(i) || g_.is_graph_output(i)) continue;
    g_.value(i).constant.reset();
  }
}

// A oneDNN primitive step: its inputs reordered into the layouts it wants, its destination
// (in place over a residual operand that is not read again), the layer's implementation.
void PlanBuilder::add_primitive(const Node& n, onednn::Built& b, LayerProfile& lp, int entry) {
  const onednn::Built* built = &b;
  const Graph& g = g_;
  Step st;
  st.kind = Step::Kind::primitive;
  st.prim = built->prim;
  st.scratchpad = built->scratchpad;
  st.entry = entry;
  for (auto& [arg, m] : built->constants) p_.weight_bytes += m.get_desc().get_size();
  st.constants = std::move(b.constants);
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
    if (p_.slots[src].kind == Slot::Kind::arena && p_.slots[src].alias_of < 0 &&
        !p_.slots[src].viewed && uses_[r] == 0 && only_here && !g.is_graph_output(r)) {
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
  lp.precision = !built->precision.empty() ? built->precision
                                           : onednn::precision_of(built->dst_value.data.ndims
                                                                      ? built->dst_value
                                                                      : built->inputs.front().desc);
  lp.layout = onednn::layout_name(built->dst_value.data.ndims ? built->dst_value : built->dst);
  p_.scratch_bytes = std::max(p_.scratch_bytes, built->scratchpad.get_size());
  p_.steps.push_back(std::move(st));
}

// fuse_depthwise's test: the fused pair is kept when oneDNN implements it as one kernel. Its
// generic `ref_fused_convolution` runs the two convolutions through an intermediate buffer and
// measured slower than the two primitives (docs/engine.md, "Depthwise fusion").
bool onednn_fuses(const Graph& g, const Node& fused, const CompileOptions& options) {
  onednn::BuildContext ctx{cpu_engine(), g, options, {}};
  for (std::size_t i = 0; i < fused.inputs.size(); ++i)
    ctx.in.push_back(i == 0 ? natural_md(g.value(fused.inputs[0])) : md());
  try {
    const auto b = onednn::build_conv(fused, ctx);
    return b && b->impl.rfind("ref_fused", 0) != 0;
  } catch (const dnnl::error&) {
    return false;
  }
}

}  // namespace

std::unique_ptr<const Plan> compile_plan(const Graph& source, const CompileOptions& options) {
  check_precision_request(source, options.precision);
  auto plan = std::make_unique<Plan>();
  plan->options = options;
  auto graph = std::make_shared<Graph>(source);
  optimize_graph(*graph);
  plan->graph = graph;
  // oneDNN sizes a primitive's work split by the thread count at creation: create them with
  // the team size of the streams that will run them. (Weight reorders run on one thread, see
  // onednn::reorder_constant.)
  const int omp_threads = omp_get_max_threads();
  omp_set_num_threads(std::max(1, options.threads_per_stream));
  try {
    // FP32 only: oneDNN 2.6 fuses depthwise post-ops into f32 1x1 convolutions.
    if (options.precision == Precision::f32)
      fuse_depthwise(*graph,
                     [&](const Graph& g, const Node& f) { return onednn_fuses(g, f, options); });
    PlanBuilder(*plan, *graph).compile();
  } catch (...) {
    omp_set_num_threads(omp_threads);
    throw;
  }
  omp_set_num_threads(omp_threads);
  check_precision_result(*graph, plan->entries, options.precision);
  // Constants only oneDNN primitives read now live reordered inside them: drop the plain
  // copies (e.g. the BatchNorm-folded weights) so weights are held once.
  std::set<std::string> read_plain;
  for (const Slot& sl : plan->slots)
    if (sl.kind == Slot::Kind::constant) read_plain.insert(sl.value);
  std::vector<std::string> names;
  for (const auto& [name, v] : graph->values())
    if (v.constant && !read_plain.count(name)) names.push_back(name);
  for (const auto& name : names) graph->value(name).constant.reset();
  return plan;
}

}  // namespace inferlab::opt
