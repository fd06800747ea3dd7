// TensorProto <-> Tensor for every supported element type and storage form, and tensor files
// (.pb, .npy) including malformed ones.
#include <gtest/gtest.h>

#include <cstring>

#include "frontends/onnx/onnx_tensor.h"
#include "inferlab/lab/tensor_file.h"
#include "support/onnx_builder.h"

using namespace inferlab;
using namespace inferlab::test;
using TP = onnx::TensorProto;

namespace {

TP proto(int type, std::vector<std::int64_t> dims) {
  TP p;
  p.set_name("t");
  p.set_data_type(type);
  for (auto d : dims) p.add_dims(d);
  return p;
}

template <typename T>
std::string raw(std::vector<T> v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(OnnxTensor, FloatTypedAndRaw) {
  TP p = proto(TP::FLOAT, {2, 2});
  for (float v : {1.f, -2.f, 3.5f, 0.f}) p.add_float_data(v);
  Tensor t = tensor_from_onnx(p, "", "t");
  EXPECT_EQ(t.dtype(), DType::f32);
  EXPECT_EQ(t.shape(), (Shape{2, 2}));
  EXPECT_FLOAT_EQ(t.data<float>()[2], 3.5f);
  TP r = proto(TP::FLOAT, {3});
  r.set_raw_data(raw<float>({4.f, 5.f, 6.f}));
  EXPECT_FLOAT_EQ(tensor_from_onnx(r, "", "t").data<float>()[2], 6.f);
}

TEST(OnnxTensor, DoubleBecomesF32) {
  TP p = proto(TP::DOUBLE, {2});
  p.add_double_data(0.25);
  p.add_double_data(-1e10);
  Tensor t = tensor_from_onnx(p, "", "t");
  EXPECT_EQ(t.dtype(), DType::f32);
  EXPECT_FLOAT_EQ(t.data<float>()[1], -1e10f);
  TP r = proto(TP::DOUBLE, {2});
  r.set_raw_data(raw<double>({1.5, 2.5}));
  Tensor u = tensor_from_onnx(r, "", "t");
  EXPECT_FLOAT_EQ(u.data<float>()[0], 1.5f);
  EXPECT_FLOAT_EQ(u.data<float>()[1], 2.5f);
}

TEST(OnnxTensor, IntegerTypes) {
  TP i64 = proto(TP::INT64, {2});
  i64.add_int64_data(-5);
  i64.add_int64_data(std::int64_t{1} << 40);
  EXPECT_EQ(tensor_from_onnx(i64, "", "t").data<std::int64_t>()[1], std::int64_t{1} << 40);

  TP i32 = proto(TP::INT32, {1});
  i32.add_int32_data(-7);
  EXPECT_EQ(tensor_from_onnx(i32, "", "t").data<std::int32_t>()[0], -7);

  TP i8 = proto(TP::INT8, {2});  // one value per int32_data entry
  i8.add_int32_data(-128);
  i8.add_int32_data(127);
  Tensor t8 = tensor_from_onnx(i8, "", "t");
  EXPECT_EQ(t8.dtype(), DType::i8);
  EXPECT_EQ(t8.data<std::int8_t>()[0], -128);
  EXPECT_EQ(t8.data<std::int8_t>()[1], 127);

  TP u8 = proto(TP::UINT8, {1});
  u8.add_int32_data(255);
  EXPECT_EQ(tensor_from_onnx(u8, "", "t").data<std::uint8_t>()[0], 255);

  TP u8raw = proto(TP::UINT8, {3});
  u8raw.set_raw_data(std::string("\x01\x02\xff", 3));
  EXPECT_EQ(tensor_from_onnx(u8raw, "", "t").data<std::uint8_t>()[2], 255);

  TP b = proto(TP::BOOL, {3});
  for (int v : {1, 0, 1}) b.add_int32_data(v);
  Tensor tb = tensor_from_onnx(b, "", "t");
  EXPECT_EQ(tb.dtype(), DType::boolean);
  EXPECT_TRUE(tb.data<bool>()[0]);
  EXPECT_FALSE(tb.data<bool>()[1]);
}

TEST(OnnxTensor, HalfTypes) {
  TP h = proto(TP::FLOAT16, {2});
  h.add_int32_data(0x3C00);  // 1.0
  h.add_int32_data(0xC000);  // -2.0
  Tensor th = tensor_from_onnx(h, "", "t");
  EXPECT_EQ(th.dtype(), DType::f16);
  EXPECT_FLOAT_EQ(th.at_f64(0), 1.0);
  EXPECT_FLOAT_EQ(th.at_f64(1), -2.0);

  TP bf = proto(TP::BFLOAT16, {1});
  bf.set_raw_data(raw<std::uint16_t>({0x4040}));  // 3.0
  Tensor tbf = tensor_from_onnx(bf, "", "t");
  EXPECT_EQ(tbf.dtype(), DType::bf16);
  EXPECT_FLOAT_EQ(tbf.at_f64(0), 3.0);
}

TEST(OnnxTensor, ScalarAndEmpty) {
  TP s = proto(TP::FLOAT, {});
  s.add_float_data(7.f);
  Tensor t = tensor_from_onnx(s, "", "t");
  EXPECT_EQ(t.shape(), Shape{});
  EXPECT_EQ(t.numel(), 1);
  TP e = proto(TP::FLOAT, {0, 3});
  EXPECT_EQ(tensor_from_onnx(e, "", "t").numel(), 0);
}

TEST(OnnxTensor, RoundTripEveryDType) {
  for (DType dt : {DType::f32, DType::f16, DType::bf16, DType::i8, DType::u8, DType::i32,
                   DType::i64, DType::boolean}) {
    Tensor t(DType::f32, {2, 3});
    for (int i = 0; i < 6; ++i) t.data<float>()[i] = static_cast<float>(i % 2);
    Tensor c = t.cast(dt);
    Tensor back = tensor_from_onnx(tensor_to_onnx(c, "n"), "", "t");
    EXPECT_EQ(back.dtype(), dt) << dtype_name(dt);
    EXPECT_EQ(back.shape(), c.shape());
    EXPECT_EQ(std::memcmp(back.raw(), c.raw(), c.nbytes()), 0) << dtype_name(dt);
  }
}

TEST(OnnxTensor, MalformedProtos) {
  EXPECT_NE(
      error_of([] { tensor_from_onnx(proto(TP::FLOAT, {-1}), "", "init 'w'"); }).find("init 'w'"),
      std::string::npos);
  TP few = proto(TP::FLOAT, {3});
  few.add_float_data(1.f);
  const std::string m = error_of([&] { tensor_from_onnx(few, "", "init 'w'"); });
  EXPECT_NE(m.find("init 'w'"), std::string::npos) << m;
  EXPECT_NE(m.find("needs 3"), std::string::npos) << m;
  TP raw_short = proto(TP::INT64, {2});
  raw_short.set_raw_data(std::string(15, '\0'));
  EXPECT_NE(error_of([&] { tensor_from_onnx(raw_short, "", "x"); }).find("raw_data has 15 bytes"),
            std::string::npos);
  TP undefined = proto(TP::UNDEFINED, {1});
  EXPECT_NE(error_of([&] { tensor_from_onnx(undefined, "", "x"); }).find("data_type"),
            std::string::npos);
  TP huge = proto(TP::FLOAT, {std::int64_t{1} << 30, std::int64_t{1} << 30});
  EXPECT_NE(error_of([&] { tensor_from_onnx(huge, "", "big"); }).find("big"), std::string::npos);
  EXPECT_THROW(tensor_from_onnx(proto(TP::STRING, {1}), "", "s"), Unsupported);
  EXPECT_THROW(tensor_from_onnx(proto(TP::UINT16, {1}), "", "s"), Unsupported);
}

// ---- files ----

TEST(TensorFile, PbRoundTripKeepsName) {
  TempDir d("tf");
  Tensor t(DType::f32, {1, 3});
  t.data<float>()[0] = 1.f;
  t.data<float>()[2] = -3.f;
  write_tensor_pb(d / "a.pb", t, "input_0");
  std::string name;
  Tensor back = read_tensor_file(d / "a.pb", &name);
  EXPECT_EQ(name, "input_0");
  EXPECT_EQ(back.shape(), (Shape{1, 3}));
  EXPECT_FLOAT_EQ(back.data<float>()[2], -3.f);
}

TEST(TensorFile, NpyRoundTrip) {
  TempDir d("tf");
  for (Shape s : {Shape{}, Shape{5}, Shape{2, 3, 4}}) {
    Tensor t(DType::f32, s);
    for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i) - 2;
    for (DType dt : {DType::f32, DType::i64, DType::u8, DType::boolean}) {
      Tensor c = t.cast(dt);
      write_tensor_npy(d / "a.npy", c);
      const std::string bytes = read_bytes(d / "a.npy");
      EXPECT_EQ((bytes.find('\n') + 1) % 64, 0u) << "header must be 64-byte aligned";
      Tensor back = read_tensor_file(d / "a.npy");
      EXPECT_EQ(back.dtype(), dt);
      EXPECT_EQ(back.shape(), s);
      EXPECT_EQ(std::memcmp(back.raw(), c.raw(), c.nbytes()), 0);
    }
  }
}

TEST(TensorFile, ReadsNumpyWrittenHeader) {
  TempDir d("tf");
  // Exactly what numpy.save writes for np.arange(6, dtype='<i4').reshape(2, 3).
  std::string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
  header += std::string(128 - 10 - header.size() - 1, ' ') + "\n";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header + raw<std::int32_t>({0, 1, 2, 3, 4, 5});
  write_bytes(d / "a.npy", bytes);
  Tensor t = read_tensor_file(d / "a.npy");
  EXPECT_EQ(t.dtype(), DType::i32);
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.data<std::int32_t>()[5], 5);
  // Data shorter than the header's shape says.
  write_bytes(d / "b.npy", bytes.substr(0, bytes.size() - 4));
  EXPECT_NE(error_of([&] { read_tensor_file(d / "b.npy"); }).find(d / "b.npy"), std::string::npos);
}

TEST(TensorFile, NpyFloat64BecomesF32) {
  TempDir d("tf");
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
  header += std::string(128 - 10 - header.size() - 1, ' ') + "\n";
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header + raw<double>({0.5, -2.0, 1e20});
  write_bytes(d / "a.npy", bytes);
  Tensor t = read_tensor_file(d / "a.npy");
  EXPECT_EQ(t.dtype(), DType::f32);
  EXPECT_EQ(t.shape(), Shape{3});
  EXPECT_FLOAT_EQ(t.data<float>()[1], -2.f);
  EXPECT_FLOAT_EQ(t.data<float>()[2], 1e20f);
  write_bytes(d / "b.npy", bytes.substr(0, bytes.size() - 8));  // one double short
  EXPECT_NE(error_of([&] { read_tensor_file(d / "b.npy"); }).find(d / "b.npy"), std::string::npos);
}

TEST(TensorFile, NotATensorProto) {
  TempDir d("tf");
  // A model file is a valid protobuf, but not a TensorProto.
  relu_model().save(d / "model.pb");
  std::string m = error_of([&] { read_tensor_file(d / "model.pb"); });
  EXPECT_NE(m.find(d / "model.pb"), std::string::npos) << m;
  write_bytes(d / "text.pb", "this is not a protobuf at all\n");
  m = error_of([&] { read_tensor_file(d / "text.pb"); });
  EXPECT_NE(m.find(d / "text.pb"), std::string::npos) << m;
  write_bytes(d / "empty.pb", "");
  m = error_of([&] { read_tensor_file(d / "empty.pb"); });
  EXPECT_NE(m.find(d / "empty.pb"), std::string::npos) << m;
  m = error_of([&] { read_tensor_file(d / "missing.pb"); });
  EXPECT_NE(m.find(d / "missing.pb"), std::string::npos) << m;
  write_bytes(d / "bad.npy", "\x93NUMPY garbage");
  m = error_of([&] { read_tensor_file(d / "bad.npy"); });
  EXPECT_NE(m.find(d / "bad.npy"), std::string::npos) << m;
}

TEST(TensorFile, PbWithWrongDataSize) {
  TempDir d("tf");
  TP p = proto(TP::FLOAT, {1 << 20, 1 << 20});  // 2^40 floats declared, 4 bytes present
  p.set_raw_data(std::string(4, '\0'));
  write_bytes(d / "x.pb", p.SerializeAsString());
  const std::string m = error_of([&] { read_tensor_file(d / "x.pb"); });
  EXPECT_NE(m.find(d / "x.pb"), std::string::npos) << m;
}
