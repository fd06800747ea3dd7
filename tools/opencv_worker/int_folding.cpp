#include "int_folding.h"

#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace inferlab::opencv_worker {
namespace {

struct IntTensor {
  std::vector<std::int64_t> dims, data;
};

std::int64_t numel(const std::vector<std::int64_t>& dims) {
  std::int64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

std::optional<IntTensor> from_proto(const onnx::TensorProto& t) {
  IntTensor r{{t.dims().begin(), t.dims().end()}, {}};
  const std::int64_t n = numel(r.dims);
  if (t.data_type() == onnx::TensorProto::INT64) {
    if (t.int64_data_size() == n) {
      r.data.assign(t.int64_data().begin(), t.int64_data().end());
    } else if (t.raw_data().size() == static_cast<std::size_t>(n) * 8) {
      r.data.resize(n);
      std::memcpy(r.data.data(), t.raw_data().data(), n * 8);
    } else {
      return std::nullopt;
    }
  } else if (t.data_type() == onnx::TensorProto::INT32) {
    if (t.int32_data_size() == n) {
      r.data.assign(t.int32_data().begin(), t.int32_data().end());
    } else if (t.raw_data().size() == static_cast<std::size_t>(n) * 4) {
      std::vector<std::int32_t> v(n);
      std::memcpy(v.data(), t.raw_data().data(), n * 4);
      r.data.assign(v.begin(), v.end());
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  return r;
}

const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::vector<std::int64_t> strides_of(const std::vector<std::int64_t>& dims) {
  std::vector<std::int64_t> s(dims.size(), 1);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

// out[idx] = in[map(idx)] over every index of `out_dims`.
IntTensor gather(const IntTensor& in, const std::vector<std::int64_t>& out_dims,
                 const std::function<std::int64_t(const std::vector<std::int64_t>&)>& src) {
  IntTensor r{out_dims, std::vector<std::int64_t>(numel(out_dims))};
  std::vector<std::int64_t> idx(out_dims.size(), 0);
  for (std::int64_t k = 0; k < static_cast<std::int64_t>(r.data.size()); ++k) {
    r.data[k] = in.data[src(idx)];
    for (int d = static_cast<int>(idx.size()) - 1; d >= 0 && ++idx[d] == out_dims[d]; --d)
      idx[d] = 0;
  }
  return r;
}

std::optional<IntTensor> slice(const IntTensor& x, const std::vector<const IntTensor*>& in) {
  const std::size_t rank = x.dims.size();
  std::vector<std::int64_t> start(rank, 0), step(rank, 1), out = x.dims;
  for (std::size_t i = 0; i < in[1]->data.size(); ++i) {
    std::int64_t ax = in.size() > 3 && in[3] ? in[3]->data[i] : static_cast<std::int64_t>(i);
    if (ax < 0) ax += rank;
    const std::int64_t dim = x.dims[ax];
    const std::int64_t st = in.size() > 4 && in[4] ? in[4]->data[i] : 1;
    auto clampi = [&](std::int64_t v, std::int64_t lo, std::int64_t hi) {
      if (v < 0) v += dim;
      return std::min(std::max(v, lo), hi);
    };
    const std::int64_t b =
        st > 0 ? clampi(in[1]->data[i], 0, dim) : clampi(in[1]->data[i], -1, dim - 1);
    const std::int64_t e =
        st > 0 ? clampi(in[2]->data[i], 0, dim) : clampi(in[2]->data[i], -1, dim - 1);
    start[ax] = b;
    step[ax] = st;
    out[ax] = st > 0 ? std::max<std::int64_t>(0, (e - b + st - 1) / st)
                     : std::max<std::int64_t>(0, (b - e - st - 1) / -st);
  }
  const auto s = strides_of(x.dims);
  return gather(x, out, [&](const std::vector<std::int64_t>& idx) {
    std::int64_t o = 0;
    for (std::size_t d = 0; d < rank; ++d) o += (start[d] + idx[d] * step[d]) * s[d];
    return o;
  });
}

// One node over constant inputs; nullopt when the op is not one of the folded ones.
std::optional<IntTensor> eval(const onnx::NodeProto& n, const std::vector<const IntTensor*>& in) {
  const std::string& op = n.op_type();
  if (op == "Constant") {
    const auto* a = attr(n, "value");
    return a && a->has_t() ? from_proto(a->t()) : std::nullopt;
  }
  for (const auto* p : in)
    if (!p) return std::nullopt;
  if (in.empty()) return std::nullopt;
  const IntTensor& x = *in[0];
  if (op == "Cast" || op == "Identity") return x;
  if (op == "ConstantOfShape") {
    std::int64_t v = 0;
    if (const auto* a = attr(n, "value"); a && a->has_t()) {
      auto t = from_proto(a->t());
      if (!t || t->data.size() != 1) return std::nullopt;
      v = t->data[0];
    }
    return IntTensor{x.data, std::vector<std::int64_t>(numel(x.data), v)};
  }
  if (op == "Concat") {
    IntTensor r{{0}, {}};
    for (const auto* p : in) {
      if (p->dims.size() != 1) return std::nullopt;
      r.data.insert(r.data.end(), p->data.begin(), p->data.end());
    }
    r.dims[0] = static_cast<std::int64_t>(r.data.size());
    return r;
  }
  if (op == "Reshape" && in.size() == 2) {
    std::vector<std::int64_t> dims = in[1]->data;
    std::int64_t known = 1, free = -1;
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == 0) dims[i] = x.dims.at(i);
      if (dims[i] == -1)
        free = static_cast<std::int64_t>(i);
      else
        known *= dims[i];
    }
    if (free >= 0) dims[free] = numel(x.dims) / known;
    return IntTensor{dims, x.data};
  }
  if (op == "Slice" && in.size() >= 3) return slice(x, in);
  if (op == "Transpose") {
    std::vector<std::int64_t> perm;
    if (const auto* a = attr(n, "perm")) perm.assign(a->ints().begin(), a->ints().end());
    if (perm.empty())
      for (int i = static_cast<int>(x.dims.size()) - 1; i >= 0; --i) perm.push_back(i);
    std::vector<std::int64_t> out(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i) out[i] = x.dims[perm[i]];
    const auto s = strides_of(x.dims);
    return gather(x, out, [&](const std::vector<std::int64_t>& idx) {
      std::int64_t o = 0;
      for (std::size_t i = 0; i < perm.size(); ++i) o += idx[i] * s[perm[i]];
      return o;
    });
  }
  return std::nullopt;
}

void remove_dead_nodes(onnx::GraphProto& g) {
  for (bool changed = true; changed;) {
    changed = false;
    std::set<std::string> used;
    for (const auto& o : g.output()) used.insert(o.name());
    for (const auto& n : g.node())
      for (const auto& i : n.input()) used.insert(i);
    auto* nodes = g.mutable_node();
    for (int k = nodes->size() - 1; k >= 0; --k) {
      bool live = false;
      for (const auto& o : nodes->Get(k).output()) live = live || used.count(o);
      if (!live) {
        nodes->DeleteSubrange(k, 1);
        changed = true;
      }
    }
  }
}

}  // namespace

int fold_integer_inputs(onnx::ModelProto& m, const std::string& op_type, int input) {
  onnx::GraphProto& g = *m.mutable_graph();
  std::map<std::string, IntTensor> known;
  for (const auto& t : g.initializer())
    if (auto v = from_proto(t)) known[t.name()] = *v;
  for (const auto& n : g.node()) {
    if (n.op_type() == op_type || n.output_size() != 1) continue;
    std::vector<const IntTensor*> in;
    for (const auto& i : n.input()) {
      auto it = known.find(i);
      in.push_back(i.empty() || it == known.end() ? nullptr : &it->second);
    }
    if (auto v = eval(n, in)) known[n.output(0)] = std::move(*v);
  }
  int replaced = 0;
  for (auto& n : *g.mutable_node()) {
    if (n.op_type() != op_type || n.input_size() <= input) continue;
    bool is_init = false;
    for (const auto& t : g.initializer()) is_init = is_init || t.name() == n.input(input);
    auto it = known.find(n.input(input));
    if (is_init || it == known.end()) continue;
    onnx::TensorProto* t = g.add_initializer();
    t->set_name(n.input(input) + "_folded");
    t->set_data_type(onnx::TensorProto::INT64);
    for (auto d : it->second.dims) t->add_dims(d);
    for (auto v : it->second.data) t->add_int64_data(v);
    n.set_input(input, t->name());
    ++replaced;
  }
  if (replaced) remove_dead_nodes(g);
  return replaced;
}

}  // namespace inferlab::opencv_worker
