#pragma once
// Runs one operator the way the compiler does: a one-node Graph, infer_node for dtypes/shapes,
// then the schema's reference kernel on tensors allocated with the inferred dtype and shape.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "ir/error.h"
#include "ir/graph.h"
#include "ops/registry.h"

namespace inferlab::test {

template <typename T>
Tensor make(Shape s, std::vector<T> v) {
  Tensor t(dtype_of<T>(), std::move(s));
  if (static_cast<std::int64_t>(v.size()) != t.numel()) throw std::logic_error("bad test tensor");
  std::copy(v.begin(), v.end(), t.data<T>());
  return t;
}
inline Tensor f32(Shape s, std::vector<float> v) {
  return make<float>(std::move(s), std::move(v));
}
inline Tensor i64(Shape s, std::vector<std::int64_t> v) {
  return make<std::int64_t>(std::move(s), std::move(v));
}
inline Tensor i32(Shape s, std::vector<std::int32_t> v) {
  return make<std::int32_t>(std::move(s), std::move(v));
}
inline Tensor u8(Shape s, std::vector<std::uint8_t> v) {
  return make<std::uint8_t>(std::move(s), std::move(v));
}
inline Tensor s8(Shape s, std::vector<std::int8_t> v) {
  return make<std::int8_t>(std::move(s), std::move(v));
}
// A rank-0 f32 tensor (a scale, a constant operand).
inline Tensor scalar(float v) {
  return f32({}, {v});
}
// f32 values start, start + 1, ... in row-major order.
inline Tensor iota(Shape s, float start = 0) {
  Tensor t(DType::f32, std::move(s));
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = start + static_cast<float>(i);
  return t;
}

// An input of the node: a runtime value, or a constant (as initializers and folded values are).
// An empty tensor marks an absent optional input ("").
struct In {
  Tensor t;
  bool constant = false;
};
inline In cst(Tensor t) {
  return {std::move(t), true};
}
inline In absent() {
  return {Tensor(), false};
}

inline Attributes attrs(std::initializer_list<std::pair<std::string, Attribute>> list) {
  Attributes a;
  for (const auto& [k, v] : list) a.set(k, v);
  return a;
}

struct OpRun {
  Graph g;
  Node node;
  std::vector<Tensor> out;
  const Value& value(std::size_t i) const { return g.value(node.outputs[i]); }
};

// Infers and runs `op`. `outputs` names the outputs ("" for an unused optional one).
inline OpRun run_op(const std::string& op, std::vector<In> inputs, Attributes attrs = {},
                    int opset = 17, std::vector<std::string> outputs = {"y"}) {
  OpRun r;
  r.node.name = "n";
  r.node.op_type = op;
  r.node.opset = opset;
  r.node.attrs = std::move(attrs);
  r.node.outputs = outputs;
  std::vector<Tensor> in;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].t.empty()) {
      r.node.inputs.push_back("");
      in.emplace_back();
      continue;
    }
    const std::string name = fmt::format("x{}", i);
    Value& v = r.g.add_value(name);
    v.dtype = inputs[i].t.dtype();
    v.shape = inputs[i].t.shape();
    v.known = true;
    if (inputs[i].constant) v.constant = inputs[i].t;
    r.node.inputs.push_back(name);
    in.push_back(inputs[i].t);
  }
  infer_node(r.g, r.node);
  for (const auto& name : outputs) {
    if (name.empty()) {
      r.out.emplace_back();
      continue;
    }
    const Value& v = r.g.value(name);
    EXPECT_TRUE(v.known) << op << ": output '" << name << "' not inferred";
    r.out.emplace_back(v.dtype, v.shape);
  }
  OpRegistry::find(op)->run(r.node, in, r.out);
  return r;
}

// Element values as doubles, for compact expectations.
inline std::vector<double> values(const Tensor& t) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < t.numel(); ++i) v.push_back(t.at_f64(i));
  return v;
}

inline void expect_near(const Tensor& t, const std::vector<double>& want, double tol = 1e-5) {
  ASSERT_EQ(t.numel(), static_cast<std::int64_t>(want.size()));
  for (std::size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(t.at_f64(static_cast<std::int64_t>(i)), want[i], tol) << "element " << i;
}

inline std::vector<std::int64_t> ints(const Tensor& t) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = 0; i < t.numel(); ++i) v.push_back(t.at_i64(i));
  return v;
}

// The message of the Error `f` throws ("" when none is thrown).
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace inferlab::test
