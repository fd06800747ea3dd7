// Every failure reaches the caller as an Error whose code says what kind of problem it is, with
// the file or node in the message.
#include <gtest/gtest.h>

#include "inferlab/inferlab.h"
#include "support/onnx_builder.h"

namespace inferlab::test {
namespace {

// The code and message of what `f` throws; fails the test when it throws nothing.
template <typename F>
std::pair<ErrorCode, std::string> code_and_message_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  ADD_FAILURE() << "no Error thrown";
  return {ErrorCode::internal, ""};
}

TEST(ErrorCodes, MissingFileIsIo) {
  TempDir dir("codes");
  const std::string path = dir / "absent.onnx";
  const auto [code, what] = code_and_message_of([&] { Core().read_model(path); });
  EXPECT_EQ(code, ErrorCode::io) << what;
  EXPECT_NE(what.find(path), std::string::npos) << what;
}

TEST(ErrorCodes, GarbageFileIsInvalidModel) {
  TempDir dir("codes");
  const std::string path = dir / "garbage.onnx";
  write_bytes(path, "this is not a protobuf \xff\xff\xff");
  const auto [code, what] = code_and_message_of([&] { Core().read_model(path); });
  EXPECT_EQ(code, ErrorCode::invalid_model) << what;
}

TEST(ErrorCodes, BadNodeIsInvalidModelNamingTheNode) {
  TempDir dir("codes");
  ModelBuilder b;
  b.input("x", {1, 4}).output("y", {1, 4});
  b.node("Relu", {"x", "x"}, {"y"}, "two_input_relu");  // Relu takes one input
  b.save(dir / "bad.onnx");
  const auto [code, what] = code_and_message_of([&] { Core().compile_model(dir / "bad.onnx"); });
  EXPECT_EQ(code, ErrorCode::invalid_model) << what;
  EXPECT_NE(what.find("two_input_relu"), std::string::npos) << what;
}

TEST(ErrorCodes, UnknownOperatorIsUnsupported) {
  TempDir dir("codes");
  ModelBuilder b;
  b.input("x", {1, 4}).output("y", {1, 4});
  b.node("NoSuchOp", {"x"}, {"y"}, "mystery");
  b.save(dir / "unknown.onnx");
  const auto [code, what] =
      code_and_message_of([&] { Core().compile_model(dir / "unknown.onnx"); });
  EXPECT_EQ(code, ErrorCode::unsupported_operation) << what;
  EXPECT_THROW(Core().compile_model(dir / "unknown.onnx"), Unsupported);
}

TEST(ErrorCodes, BadInputTensorIsInvalidArgument) {
  TempDir dir("codes");
  relu_model().save(dir / "relu.onnx");
  InferRequest r = Core().compile_model(dir / "relu.onnx").create_infer_request();
  const auto [code, what] = code_and_message_of([&] {
    r.set_tensor("x", Tensor(DType::f32, {2, 4}));
  });
  EXPECT_EQ(code, ErrorCode::invalid_argument) << what;
  EXPECT_NE(what.find("input 'x'"), std::string::npos) << what;
}

TEST(ErrorCodes, Names) {
  EXPECT_STREQ(error_code_name(ErrorCode::worker_timeout), "worker_timeout");
  EXPECT_STREQ(error_code_name(ErrorCode::invalid_model), "invalid_model");
  EXPECT_EQ(Error("x").code(), ErrorCode::invalid_argument);
  EXPECT_EQ(Unsupported("x").code(), ErrorCode::unsupported_operation);
}

}  // namespace
}  // namespace inferlab::test
