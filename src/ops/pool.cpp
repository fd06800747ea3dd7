// MaxPool (with its optional Indices output), AveragePool (count_include_pad, ceil_mode,
// dilations), GlobalAveragePool, GlobalMaxPool.
#include <limits>

#include "ops/spatial.h"

namespace inferlab {
namespace {

void infer_pool(const Node& n, const std::vector<const Value*>& in,
                const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  const Shape& x = in[0]->shape;
  if (x.size() < 3) fail("input must be N x C x spatial, got {}", shape_str(x));
  if (out.size() > 1 && n.op_type != "MaxPool") fail("has a single output");
  const std::int64_t order = n.attrs.get_int("storage_order", 0);
  if (order != 0 && order != 1) fail("storage_order must be 0 or 1, got {}", order);
  if (n.op_type == "MaxPool") {
    // MaxPool also takes 8-bit integers (opset 12); the comparison is the same for any type.
    ops::dispatch_numeric(in[0]->dtype, []<typename T>() { return 0; });
  } else {
    ops::require_float(in[0]);
  }
  const auto w = ops::make_window(n, ops::spatial(x), n.attrs.get_ints("kernel_shape"),
                                  n.attrs.get_int("ceil_mode", 0) != 0);
  Shape r{x[0], x[1]};
  r.insert(r.end(), w.out.begin(), w.out.end());
  ops::set_output(out[0], in[0]->dtype, r);
  if (out.size() > 1) ops::set_output(out[1], DType::i64, r);  // MaxPool's optional Indices
}

// One pooling window per output position, visited element by element: plain, not fast.
// `indices` (MaxPool's optional output, may be null) receives the flat index of each maximum
// over the whole input, without padding; storage_order 1 numbers the spatial dims column-major.
template <typename T>
void pool_loop(const Node& n, const ops::Window& w, const Shape& xs, const T* x, T* y,
               std::int64_t* indices) {
  const bool is_max = n.op_type == "MaxPool";
  const bool include_pad = n.attrs.get_int("count_include_pad", 0) != 0;
  const auto in_sp = ops::spatial(xs);
  const auto in_st = shape_strides(Shape(in_sp.begin(), in_sp.end()));
  const std::int64_t in_size = shape_numel(Shape(in_sp.begin(), in_sp.end()));
  const std::int64_t out_size = shape_numel(Shape(w.out.begin(), w.out.end()));
  const std::size_t r = in_sp.size();
  std::vector<std::int64_t> index_st(r, 1);  // strides of the numbering used for Indices
  if (n.attrs.get_int("storage_order", 0) == 1) {
    for (std::size_t d = 1; d < r; ++d) index_st[d] = index_st[d - 1] * in_sp[d - 1];
  } else {
    index_st = in_st;
  }
  for (std::int64_t nc = 0; nc < xs[0] * xs[1]; ++nc) {
    const T* xp = x + nc * in_size;
    ops::for_each_position(w.out, [&](std::int64_t o, const std::vector<std::int64_t>& op) {
      // Padding never wins a max: start below every value of T.
      T best = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                                    : std::numeric_limits<T>::lowest();
      double sum = 0;
      std::int64_t count = 0, padded_count = 0, best_index = -1;
      ops::for_each_position(w.kernel, [&](std::int64_t, const std::vector<std::int64_t>& kp) {
        std::int64_t off = 0, index = 0;
        bool inside = true, in_padded = true;
        for (std::size_t d = 0; d < r; ++d) {
          const std::int64_t i = op[d] * w.strides[d] - w.pad_begin[d] + kp[d] * w.dilations[d];
          if (i < 0 || i >= in_sp[d]) inside = false;
          // count_include_pad counts explicit padding, not the ceil_mode overhang.
          if (i < -w.pad_begin[d] || i >= in_sp[d] + w.pad_end[d]) in_padded = false;
          off += i * in_st[d];
          index += i * index_st[d];
        }
        if (in_padded) ++padded_count;
        if (!inside) return;
        if (best_index < 0 || xp[off] > best) {  // the first maximum wins ties
          best = xp[off];
          best_index = nc * in_size + index;
        }
        sum += static_cast<double>(xp[off]);
        ++count;
      });
      if (indices) indices[nc * out_size + o] = best_index;
      y[nc * out_size + o] =
          is_max ? best
                 : static_cast<T>(sum / static_cast<double>(std::max<std::int64_t>(
                                            1, include_pad ? padded_count : count)));
    });
  }
}

void run_pool(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& xs = in[0].shape();
  const auto w = ops::make_window(n, ops::spatial(xs), n.attrs.get_ints("kernel_shape"),
                                  n.attrs.get_int("ceil_mode", 0) != 0);
  ops::dispatch_numeric(in[0].dtype(), [&]<typename T>() {
    std::int64_t* indices =
        out.size() > 1 && !out[1].empty() ? out[1].data<std::int64_t>() : nullptr;
    pool_loop<T>(n, w, xs, in[0].data<T>(), out[0].data<T>(), indices);
  });
}

void infer_global(const Node&, const std::vector<const Value*>& in,
                  const std::vector<Value*>& out) {
  ops::require_inputs(in, 1, 1);
  ops::require_float(in[0]);
  Shape r = in[0]->shape;
  if (r.size() < 3) fail("input must be N x C x spatial, got {}", shape_str(r));
  for (std::size_t i = 2; i < r.size(); ++i) r[i] = 1;
  ops::set_output(out[0], DType::f32, r);
}

void run_global(const Node& n, const std::vector<Tensor>& in, std::vector<Tensor>& out) {
  const Shape& xs = in[0].shape();
  const std::int64_t nc = xs[0] * xs[1], size = nc ? in[0].numel() / nc : 0;
  const float* x = in[0].data<float>();
  float* y = out[0].data<float>();
  const bool is_max = n.op_type == "GlobalMaxPool";
  for (std::int64_t i = 0; i < nc; ++i) {
    double acc = 0;
    float best = -std::numeric_limits<float>::infinity();
    for (std::int64_t k = 0; k < size; ++k) {
      acc += x[i * size + k];
      best = std::max(best, x[i * size + k]);
    }
    y[i] = is_max ? best : static_cast<float>(acc / static_cast<double>(size));
  }
}

}  // namespace
INFERLAB_REGISTER_OP({"MaxPool", infer_pool, run_pool, true, {}, {1, 1}, {1, 2}});
INFERLAB_REGISTER_OP({"AveragePool", infer_pool, run_pool});
INFERLAB_REGISTER_OP({"GlobalAveragePool", infer_global, run_global});
INFERLAB_REGISTER_OP({"GlobalMaxPool", infer_global, run_global});
}  // namespace inferlab
