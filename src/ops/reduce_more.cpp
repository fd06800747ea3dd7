// ReduceSum, ReduceSumSquare, ReduceProd, ReduceMax, ReduceMin over any numeric type. Axes come
// from the constant `axes` input when present (ReduceSum from opset 13, the others from 18) and
// from the attribute otherwise; keepdims and noop_with_empty_axes as in the spec. Float sums
// accumulate in double; integer sums and products wrap around like numpy's fixed-width integers.
#include <cmath>
#include <limits>
#include <set>
#include <type_traits>

#include "ops/op_util.h"

namespace inferlab {
namespace {

// Reduced axes; empty means "none" (noop_with_empty_axes with no axes given).
std::set<int> axes_of(const Node& n, const std::vector<std::int64_t>& given, std::size_t rank) {
  std::set<int> s;
  if (given.empty() && !n.attrs.get_int("noop_with_empty_axes", 0)) {
    for (std::size_t i = 0; i < rank; ++i) s.insert(static_cast<int>(i));
  }
  for (auto a : given) s.insert(normalize_axis(a, rank, "axes"));
  return s;
}

void infer(const Node& n, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 2);
  ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });  // Unsupported otherwise
  const bool axes_input = in.size() > 1 && in[1];
  if (axes_input && n.attrs.has("axes")) fail("axes given both as attribute and as input");
  const auto given = axes_input ? ops::const_ints(in[1], "axes") : n.attrs.get_ints("axes", {});
  const Shape& s = in[0]->shape;
  const auto axes = axes_of(n, given, s.size());
  const bool keep = n.attrs.get_int("keepdims", 1) != 0;
  const Shape r = ops::reduced_shape(s, axes, keep);
  ops::set_output(out[0], in[0]->dtype, r);
}

enum class Kind { sum, sum_square, prod, max, min };

Kind kind_of(const std::string& op) {
  if (op == "ReduceSum") return Kind::sum;
  if (op == "ReduceSumSquare") return Kind::sum_square;
  if (op == "ReduceProd") return Kind::prod;
  if (op == "ReduceMax") return Kind::max;
  return Kind::min;
}

// Sums and products: double for floats, uint64 (wrap-around, cast back modulo 2^bits) for ints.
template <typename T>
using Acc = std::conditional_t<std::is_floating_point_v<T>, double, std::uint64_t>;

template <typename T>
void reduce(Kind kind, const Tensor& x, const Shape& kept, Tensor& y) {
  const T* xv = x.data<T>();
  T* yv = y.data<T>();
  const auto m = static_cast<std::size_t>(shape_numel(kept));
  if (kind == Kind::max || kind == Kind::min) {
    // The identity of max/min, returned for an empty reduction (-inf/+inf for floats).
    constexpr bool fp = std::is_floating_point_v<T>;
    const T lo = fp ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    const T hi = fp ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    std::vector<T> acc(m, kind == Kind::max ? lo : hi);
    ops::for_each_broadcast(x.shape(), kept, x.shape(),
                            [&](std::int64_t o, std::int64_t, std::int64_t k) {
                              T& a = acc[static_cast<std::size_t>(k)];
                              const T v = xv[o];
                              if constexpr (fp) {
                                if (std::isnan(a)) return;  // NaN propagates, as in numpy
                                if (std::isnan(v)) a = v;
                              }
                              if (kind == Kind::max ? v > a : v < a) a = v;
                            });
    std::copy(acc.begin(), acc.end(), yv);
    return;
  }
  std::vector<Acc<T>> acc(m, kind == Kind::prod ? 1 : 0);
  ops::for_each_broadcast(x.shape(), kept, x.shape(),
                          [&](std::int64_t o, std::int64_t, std::int64_t k) {
                            auto& a = acc[static_cast<std::size_t>(k)];
                            const auto v = static_cast<Acc<T>>(xv[o]);
                            if (kind == Kind::sum) a += v;
                            if (kind == Kind::sum_square) a += v * v;
                            if (kind == Kind::prod) a *= v;
                          });
  for (std::size_t i = 0; i < m; ++i) yv[i] = static_cast<T>(acc[i]);
}

void run(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& s = in[0].shape();
  std::vector<std::int64_t> given = n.attrs.get_ints("axes", {});
  if (in.size() > 1 && !in[1].empty()) {
    given.clear();
    for (std::int64_t i = 0; i < in[1].numel(); ++i) given.push_back(in[1].at_i64(i));
  }
  Shape kept = s;  // the output shape with keepdims, for index arithmetic
  for (int a : axes_of(n, given, s.size())) kept[a] = 1;
  ops::dispatch_numeric(in[0].dtype(),
                        [&]<typename T>() { reduce<T>(kind_of(n.op_type), in[0], kept, out[0]); });
}

}  // namespace
INFERLAB_REGISTER_OP({"ReduceSum", infer, run, true, {1}});
INFERLAB_REGISTER_OP({"ReduceSumSquare", infer, run, true, {1}});
INFERLAB_REGISTER_OP({"ReduceProd", infer, run, true, {1}});
INFERLAB_REGISTER_OP({"ReduceMax", infer, run, true, {1}});
INFERLAB_REGISTER_OP({"ReduceMin", infer, run, true, {1}});
}  // namespace inferlab
