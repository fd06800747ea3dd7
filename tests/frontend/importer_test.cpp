// import_onnx on well-formed models (what the graph looks like) and on malformed ones (one Error
// naming the file and the node or field, never a crash or a giant allocation).
#include <gtest/gtest.h>

#include <random>

#include "frontends/onnx/onnx_importer.h"
#include "support/onnx_builder.h"

using namespace inferlab;
using namespace inferlab::test;

namespace {

// Expects import_onnx(path) to throw exactly E (Error or Unsupported) with every `needles` in
// its message; returns the message.
template <typename E = Error>
std::string expect_import_error(const std::string& path, std::vector<std::string> needles) {
  try {
    import_onnx(path);
  } catch (const E& e) {
    const std::string msg = e.what();
    if constexpr (std::is_same_v<E, Error>) {
      EXPECT_EQ(dynamic_cast<const Unsupported*>(&e), nullptr) << "Unsupported, not Error: " << msg;
    }
    for (const auto& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << n << " in: " << msg;
    return msg;
  }
  ADD_FAILURE() << path << " imported without error";
  return {};
}

}  // namespace

TEST(Importer, ReadsInputsOutputsAndNodes) {
  TempDir d("imp");
  auto b = gemm_model();
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  EXPECT_EQ(g->opset, 13);
  ASSERT_EQ(g->inputs, std::vector<std::string>{"x"});
  ASSERT_EQ(g->outputs, std::vector<std::string>{"y"});
  EXPECT_EQ(g->value("x").dtype, DType::f32);
  EXPECT_EQ(g->value("x").shape, (Shape{kDynamic, 4}));  // dim_param -> dynamic
  EXPECT_TRUE(g->value("x").known);
  ASSERT_EQ(g->nodes.size(), 2u);
  EXPECT_EQ(g->nodes[0].name, "fc");
  EXPECT_EQ(g->nodes[0].op_type, "Gemm");
  EXPECT_EQ(g->nodes[0].opset, 13);
  EXPECT_EQ(g->nodes[0].attrs.get_int("transB"), 1);
  ASSERT_TRUE(g->value("W").constant);
  EXPECT_EQ(g->value("W").constant->shape(), (Shape{3, 4}));
  EXPECT_FLOAT_EQ(g->value("B").constant->data<float>()[1], -0.5f);
}

TEST(Importer, MissingDimIsDynamic) {
  TempDir d("imp");
  auto b = relu_model();
  b.graph()
      .mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(0)
      ->Clear();
  b.save(d / "m.onnx");
  EXPECT_EQ(import_onnx(d / "m.onnx")->value("x").shape, (Shape{kDynamic, 4}));
}

TEST(Importer, InitializerListedAsInputIsConstant) {
  TempDir d("imp");
  auto b = gemm_model();
  b.input("W", {3, 4});  // old exporters list initializers among the inputs
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  EXPECT_EQ(g->inputs, std::vector<std::string>{"x"});
  EXPECT_TRUE(g->value("W").constant);
}

TEST(Importer, ConstantNodesBecomeConstants) {
  TempDir d("imp");
  ModelBuilder b;
  b.input("x", {2}).output("y", {2});
  auto attr = [&](const std::string& out, const std::string& name) {
    auto* a = b.node("Constant", {}, {out}).add_attribute();
    a->set_name(name);
    return a;
  };
  auto* a = attr("c_tensor", "value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(onnx::TensorProto::INT32);
  a->mutable_t()->add_dims(2);
  a->mutable_t()->add_int32_data(7);
  a->mutable_t()->add_int32_data(-8);
  a = attr("c_float", "value_float");
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(2.5f);
  a = attr("c_floats", "value_floats");
  a->set_type(onnx::AttributeProto::FLOATS);
  a->add_floats(1.f);
  a->add_floats(2.f);
  a->add_floats(3.f);
  a = attr("c_int", "value_int");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(-4);
  a = attr("c_ints", "value_ints");
  a->set_type(onnx::AttributeProto::INTS);
  a->add_ints(5);
  a->add_ints(6);
  b.node("Relu", {"x"}, {"y"});
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  EXPECT_EQ(g->nodes.size(), 1u);  // Constant nodes are gone, their values remain
  const Tensor& t = *g->value("c_tensor").constant;
  EXPECT_EQ(t.dtype(), DType::i32);
  EXPECT_EQ(t.data<std::int32_t>()[1], -8);
  EXPECT_EQ(g->value("c_float").constant->shape(), Shape{});
  EXPECT_FLOAT_EQ(g->value("c_float").constant->data<float>()[0], 2.5f);
  EXPECT_EQ(g->value("c_floats").constant->shape(), Shape{3});
  EXPECT_FLOAT_EQ(g->value("c_floats").constant->data<float>()[2], 3.f);
  EXPECT_EQ(g->value("c_int").constant->dtype(), DType::i64);
  EXPECT_EQ(g->value("c_int").constant->data<std::int64_t>()[0], -4);
  EXPECT_EQ(g->value("c_ints").constant->shape(), Shape{2});
  EXPECT_EQ(g->value("c_ints").constant->data<std::int64_t>()[1], 6);
  EXPECT_TRUE(g->value("c_ints").known);
}

TEST(Importer, UnnamedNodesGetUniqueNames) {
  TempDir d("imp");
  ModelBuilder b;
  b.input("x", {1}).output("z", {1});
  b.node("Relu", {"x"}, {"a"});            // index 0, unnamed
  b.node("Relu", {"a"}, {"b"}, "Relu_0");  // the model itself uses the generated name
  b.node("Relu", {"b"}, {"c"}, "Relu_0");  // a duplicate name
  b.node("Relu", {"c"}, {"z"});
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  std::set<std::string> names;
  for (const auto& n : g->nodes) {
    EXPECT_FALSE(n.name.empty());
    names.insert(n.name);
  }
  EXPECT_EQ(names.size(), 4u);
  EXPECT_TRUE(names.count("Relu_0"));
  EXPECT_TRUE(names.count("Relu_3"));
}

TEST(Importer, AttributeTypeFromFieldWhenUnset) {
  TempDir d("imp");
  auto b = gemm_model();
  b.graph().mutable_node(0)->mutable_attribute(0)->clear_type();  // as IR < 3 writers did
  auto* alpha = b.graph().mutable_node(0)->add_attribute();
  alpha->set_name("alpha");
  alpha->set_f(0.5f);
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  EXPECT_EQ(g->nodes[0].attrs.get_int("transB"), 1);
  EXPECT_FLOAT_EQ(g->nodes[0].attrs.get_float("alpha"), 0.5f);
  // An attribute with neither a type nor a value is malformed.
  b.graph().mutable_node(0)->add_attribute()->set_name("empty");
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "node 'fc' attribute 'empty'"});
}

TEST(Importer, TopologicallySortsNodes) {
  TempDir d("imp");
  ModelBuilder b;
  b.input("x", {1}).output("z", {1});
  b.node("Relu", {"y"}, {"z"}, "second");
  b.node("Relu", {"x"}, {"y"}, "first");
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  EXPECT_EQ(g->nodes[0].name, "first");
  EXPECT_EQ(g->nodes[1].name, "second");
}

TEST(Importer, OpsetOutsideRangeIsUnsupported) {
  TempDir d("imp");
  for (int opset : {6, 18}) {
    ModelBuilder b(opset);
    b.input("x", {1}).output("y", {1});
    b.node("Relu", {"x"}, {"y"});
    b.save(d / "m.onnx");
    expect_import_error<Unsupported>(d / "m.onnx",
                                     {d / "m.onnx", "opset " + std::to_string(opset), "7..17"});
  }
  for (int opset : {7, 17}) {
    ModelBuilder b(opset);
    b.input("x", {1}).output("y", {1});
    b.node("Relu", {"x"}, {"y"});
    b.save(d / "m.onnx");
    EXPECT_EQ(import_onnx(d / "m.onnx")->nodes[0].opset, opset);
  }
}

TEST(Importer, OtherDomainsAreKeptWithTheirOpset) {
  TempDir d("imp");
  auto b = relu_model();
  auto* o = b.proto().add_opset_import();
  o->set_domain("com.example");
  o->set_version(3);
  b.node("Frobnicate", {"y"}, {"z"}, "frob").set_domain("com.example");
  b.output("z", {1, 4});
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  ASSERT_EQ(g->nodes.size(), 2u);
  EXPECT_EQ(g->nodes[1].domain, "com.example");
  EXPECT_EQ(g->nodes[1].opset, 3);
  EXPECT_EQ(g->nodes[0].domain, "");
}

TEST(Importer, ModelImportingOnlyAnotherDomain) {
  TempDir d("imp");
  ModelBuilder b;
  b.proto().mutable_opset_import(0)->set_domain("ai.onnx.preview.training");
  b.input("x", {1}).output("y", {1});
  b.node("Adagrad", {"x"}, {"y"}).set_domain("ai.onnx.preview.training");
  b.save(d / "m.onnx");
  EXPECT_EQ(import_onnx(d / "m.onnx")->nodes[0].domain, "ai.onnx.preview.training");
  // ... but a default-domain node then has no opset to follow.
  b.node("Relu", {"y"}, {"z"}, "r");
  b.output("z", {1});
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {"'r'", "imports no ai.onnx opset"});
}

TEST(Importer, ExternalDataInsideTheModelFolder) {
  TempDir d("imp");
  auto b = relu_model();
  auto& w = b.initializer("w", {2, 2}, {});
  w.set_data_location(onnx::TensorProto::EXTERNAL);
  auto kv = [&](const std::string& k, const std::string& v) {
    auto* e = w.add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  kv("location", "weights.bin");
  kv("offset", "4");
  kv("length", "16");
  const float vals[5] = {99, 1, 2, 3, 4};
  write_bytes(d / "weights.bin", std::string(reinterpret_cast<const char*>(vals), sizeof vals));
  b.save(d / "m.onnx");
  auto g = import_onnx(d / "m.onnx");
  EXPECT_FLOAT_EQ(g->value("w").constant->data<float>()[0], 1.f);
  EXPECT_FLOAT_EQ(g->value("w").constant->data<float>()[3], 4.f);

  // The file is too short for offset + length.
  write_bytes(d / "weights.bin", std::string(12, '\0'));
  expect_import_error(d / "m.onnx", {d / "m.onnx", "initializer 'w'", "weights.bin"});
  // A missing file.
  std::filesystem::remove(d / "weights.bin");
  expect_import_error(d / "m.onnx", {"initializer 'w'", "weights.bin"});
  // A location escaping the model's folder.
  w.mutable_external_data(0)->set_value("../escape.bin");
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {"initializer 'w'", "outside the model's folder"});
  w.mutable_external_data(0)->set_value("/etc/passwd");
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {"initializer 'w'", "outside the model's folder"});
}

// ---- malformed models ----

TEST(ImporterRobustness, MissingFile) {
  TempDir d("imp");
  expect_import_error(d / "nope.onnx", {d / "nope.onnx"});
}

TEST(ImporterRobustness, TruncatedFile) {
  TempDir d("imp");
  const std::string bytes = gemm_model().bytes();
  // Every cut either fails to parse or leaves a graph that fails validation; none may crash.
  int errors = 0;
  for (std::size_t cut = 1; cut < bytes.size(); cut += 7) {
    write_bytes(d / "m.onnx", bytes.substr(0, cut));
    try {
      import_onnx(d / "m.onnx");
    } catch (const Error& e) {
      ++errors;
      EXPECT_NE(std::string(e.what()).find(d / "m.onnx"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(errors, 0);
  write_bytes(d / "m.onnx", bytes.substr(0, bytes.size() / 2));
  expect_import_error(d / "m.onnx", {d / "m.onnx"});
}

TEST(ImporterRobustness, RandomBytes) {
  TempDir d("imp");
  std::mt19937 rng(42);
  for (int i = 0; i < 50; ++i) {
    std::string bytes(1 + rng() % 4096, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    write_bytes(d / "m.onnx", bytes);
    expect_import_error(d / "m.onnx", {d / "m.onnx"});
  }
  write_bytes(d / "empty.onnx", "");
  expect_import_error(d / "empty.onnx", {d / "empty.onnx"});
}

TEST(ImporterRobustness, Cycle) {
  TempDir d("imp");
  ModelBuilder b;
  b.input("x", {1}).output("z", {1});
  b.node("Add", {"x", "z"}, {"y"}, "add");
  b.node("Relu", {"y"}, {"z"}, "relu");
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "cycle"});
}

TEST(ImporterRobustness, DanglingInputName) {
  TempDir d("imp");
  ModelBuilder b;
  b.input("x", {1}).output("y", {1});
  b.node("Add", {"x", "nowhere"}, {"y"}, "add");
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "'add'", "'nowhere'"});
}

TEST(ImporterRobustness, MissingInitializer) {
  TempDir d("imp");
  auto b = gemm_model();
  b.graph().mutable_initializer()->RemoveLast();  // drop B, still read by Gemm 'fc'
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "'fc'", "'B'"});
}

TEST(ImporterRobustness, DanglingGraphOutput) {
  TempDir d("imp");
  auto b = relu_model();
  b.output("ghost", {1});
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "'ghost'"});
}

TEST(ImporterRobustness, NegativeDims) {
  TempDir d("imp");
  auto b = relu_model({1, -3});
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "graph input 'x'", "negative"});

  auto c = gemm_model();
  c.graph().mutable_initializer(0)->set_dims(1, -4);
  c.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "initializer 'W'", "negative"});
}

TEST(ImporterRobustness, HugeDims) {
  TempDir d("imp");
  // 2^21 * 2^20 = 2^41 elements: beyond kMaxElements, rejected before anything is allocated.
  auto b = relu_model({1 << 21, 1 << 20});
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "graph input 'x'"});

  // Products that overflow int64 are rejected too, not wrapped.
  auto o = relu_model({std::int64_t{1} << 40, std::int64_t{1} << 40, 16});
  o.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "graph input 'x'"});

  auto c = gemm_model();
  c.graph().mutable_initializer(0)->set_dims(0, std::int64_t{1} << 40);
  c.graph().mutable_initializer(0)->set_dims(1, 4);
  c.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "initializer 'W'"});
}

TEST(ImporterRobustness, LargeButLegalDimsWithLittleDataDoNotAllocate) {
  TempDir d("imp");
  // 2^38 floats (1 TiB) declared, 12 values present: must fail on the count, not try to allocate.
  auto c = gemm_model();
  c.graph().mutable_initializer(0)->set_dims(0, std::int64_t{1} << 36);
  c.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "initializer 'W'", "float_data"});
  c.graph().mutable_initializer(0)->set_raw_data(std::string(8, '\0'));
  c.graph().mutable_initializer(0)->clear_float_data();
  c.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "initializer 'W'", "raw_data"});
}

TEST(ImporterRobustness, DataSizeNotMatchingDims) {
  TempDir d("imp");
  auto c = gemm_model();
  c.graph().mutable_initializer(1)->add_float_data(9.f);  // B: 4 values for dims [3]
  c.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "initializer 'B'", "holds 4", "needs 3"});
}

TEST(ImporterRobustness, DuplicateProducers) {
  TempDir d("imp");
  auto b = relu_model();
  b.node("Relu", {"x"}, {"y"}, "again");
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "'again'", "'y'"});

  auto c = gemm_model();
  c.node("Relu", {"x"}, {"W"}, "overwrite");  // redefines an initializer
  c.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "'overwrite'", "'W'"});
}

TEST(ImporterRobustness, ConstantWithoutValue) {
  TempDir d("imp");
  auto b = relu_model();
  b.node("Constant", {}, {"c"}, "k");
  b.save(d / "m.onnx");
  expect_import_error(d / "m.onnx", {d / "m.onnx", "'k'"});
}

TEST(ImporterRobustness, NoGraph) {
  TempDir d("imp");
  onnx::ModelProto m;
  m.set_ir_version(8);
  write_bytes(d / "m.onnx", m.SerializeAsString());
  expect_import_error(d / "m.onnx", {d / "m.onnx", "no graph"});
}
