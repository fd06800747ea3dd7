// `inferlab check` on synthetic test-runner folders (pass, fail, skip, errors, recursion) and on
// the ONNX conformance node cases and mnist-8 where they are installed.
#include <gtest/gtest.h>

#include <regex>

#include "inferlab/lab/tensor_file.h"
#include "support/cli.h"
#include "support/onnx_builder.h"
#include "support/op_test_util.h"  // f32

using namespace inferlab;
using namespace inferlab::test;
namespace fs = std::filesystem;

namespace {

// A test-runner case: gemm_model (dynamic batch) with one data set of batch 2. `y` is the
// expected output written to output_0.pb.
void write_case(const fs::path& dir, std::vector<float> y) {
  fs::create_directories(dir / "test_data_set_0");
  gemm_model().save((dir / "model.onnx").string());
  write_tensor_pb((dir / "test_data_set_0/input_0.pb").string(),
                  f32({2, 4}, {1, 2, 3, 4, -1, 5, 0, -2}), "x");
  write_tensor_pb((dir / "test_data_set_0/output_0.pb").string(), f32({2, 3}, y), "y");
}

const std::vector<float> kRight = {1.5f, 1.5f, 7.f, 0.f, 4.5f, 0.f};

std::string check_ref(const std::string& args) {
  return "check --engine reference " + args;
}

}  // namespace

TEST(CliCheck, PassingCaseWithDynamicBatch) {
  TempDir d("check");
  write_case(d.path() / "good", kRight);
  const CliResult r = run_cli(check_ref(d / "good"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "PASS good\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n1 passed, 0 failed, 0 skipped\n") ||
              r.out.rfind("1 passed, 0 failed, 0 skipped\n", 0) == 0)
      << r.out;
}

TEST(CliCheck, WrongValuesFailWithTheError) {
  TempDir d("check");
  auto y = kRight;
  y[2] = 7.01f;  // abs err 0.01 > 1e-5 + 1e-3 * 7.01
  write_case(d.path() / "bad", y);
  const CliResult r = run_cli(check_ref(d / "bad"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL bad: output 'y' max abs err 0.01 (rel 0.0014)")) << r.out;
  EXPECT_TRUE(contains(r.out, "0 passed, 1 failed, 0 skipped\n")) << r.out;
  // Looser tolerances accept it.
  const CliResult loose = run_cli(check_ref(d / "bad --rtol 0.01"));
  EXPECT_EQ(loose.status, 0) << loose.out;
  EXPECT_TRUE(contains(loose.out, "1 passed, 0 failed, 0 skipped")) << loose.out;
}

TEST(CliCheck, ShapeMismatchFails) {
  TempDir d("check");
  write_case(d.path() / "shape", kRight);
  write_tensor_pb(d / "shape/test_data_set_0/output_0.pb", f32({3, 2}, kRight), "y");
  const CliResult r = run_cli(check_ref(d / "shape"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL shape: output 'y' shape 2x3 != expected 3x2")) << r.out;
}

TEST(CliCheck, NanEqualsNan) {
  TempDir d("check");
  ModelBuilder b;
  b.input("x", {3}).output("y", {3});
  b.node("Relu", {"x"}, {"y"});
  fs::create_directories(d.path() / "nan/test_data_set_0");
  b.save(d / "nan/model.onnx");
  const float nan = std::numeric_limits<float>::quiet_NaN();
  write_tensor_pb(d / "nan/test_data_set_0/input_0.pb", f32({3}, {nan, -1, 2}), "x");
  write_tensor_pb(d / "nan/test_data_set_0/output_0.pb", f32({3}, {nan, 0, 2}), "y");
  const CliResult r = run_cli(check_ref(d / "nan"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "PASS nan")) << r.out;
}

TEST(CliCheck, FolderOfCasesPassFailSkip) {
  TempDir d("check");
  write_case(d.path() / "a_pass", kRight);
  auto y = kRight;
  y[0] = 100.25f;
  write_case(d.path() / "b_fail", y);
  // c_skip: an op of an unknown domain is Unsupported at compile time.
  write_case(d.path() / "c_skip", kRight);
  {
    auto b = gemm_model();
    auto* o = b.proto().add_opset_import();
    o->set_domain("com.example");
    o->set_version(1);
    b.graph().mutable_node(1)->set_op_type("Frobnicate");
    b.graph().mutable_node(1)->set_domain("com.example");
    b.save(d / "c_skip/model.onnx");
  }
  // d_error: a data set with the wrong number of inputs is a failure with its message.
  write_case(d.path() / "d_error", kRight);
  write_tensor_pb(d / "d_error/test_data_set_0/input_1.pb", f32({1}, {0}), "extra");
  // e_opset: an opset outside 7..17 is skipped.
  write_case(d.path() / "e_opset", kRight);
  {
    auto b = gemm_model();
    b.proto().mutable_opset_import(0)->set_version(5);
    b.save(d / "e_opset/model.onnx");
  }
  fs::create_directories(d.path() / "not_a_case");  // no model.onnx: ignored
  const CliResult r = run_cli(check_ref(d / ""));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "PASS a_pass\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL b_fail: output 'y' max abs err 99")) << r.out;
  EXPECT_TRUE(contains(r.out, "SKIP c_skip: unsupported op types: com.example.Frobnicate"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL d_error: test_data_set_0 has 2 input files")) << r.out;
  EXPECT_TRUE(contains(r.out, "SKIP e_opset: ")) << r.out;
  EXPECT_FALSE(contains(r.out, "not_a_case")) << r.out;
  // The summary is the last line, exactly.
  const std::string last = "\n1 passed, 2 failed, 2 skipped\n";
  EXPECT_TRUE(r.out.size() > last.size() && r.out.substr(r.out.size() - last.size()) == last)
      << r.out;
}

TEST(CliCheck, SeveralPaths) {
  TempDir d("check");
  write_case(d.path() / "one", kRight);
  write_case(d.path() / "two", kRight);
  const CliResult r = run_cli(check_ref(d / "one" + " " + d / "two"));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "2 passed, 0 failed, 0 skipped")) << r.out;
}

TEST(CliCheck, BadPathIsAnError) {
  TempDir d("check");
  CliResult r = run_cli(check_ref(d / "missing"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, d / "missing")) << r.out;
  r = run_cli(check_ref(d / ""));  // an empty folder holds no cases
  EXPECT_EQ(r.status, 2) << r.out;
}

TEST(CliCheck, CorruptModelIsAFailNotACrash) {
  TempDir d("check");
  write_case(d.path() / "corrupt", kRight);
  write_bytes(d / "corrupt/model.onnx", "garbage");
  const CliResult r = run_cli(check_ref(d / "corrupt"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "FAIL corrupt: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "0 passed, 1 failed, 0 skipped")) << r.out;
}

// ---- conformance ----

namespace {

// Parses the final "N passed, M failed, K skipped" line.
bool summary(const std::string& out, int& passed, int& failed, int& skipped) {
  static const std::regex re(R"((\d+) passed, (\d+) failed, (\d+) skipped\n$)");
  std::smatch m;
  if (!std::regex_search(out, m, re)) return false;
  passed = std::stoi(m[1]);
  failed = std::stoi(m[2]);
  skipped = std::stoi(m[3]);
  return true;
}

std::string failures(const std::string& out) {
  std::string lines, line;
  std::istringstream ss(out);
  while (std::getline(ss, line))
    if (line.rfind("FAIL ", 0) == 0) lines += line + "\n";
  return lines;
}

}  // namespace

TEST(Conformance, OnnxNodeCasesReferenceEngine) {
  const std::string dir = "/usr/share/libonnx-testdata/data/node";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is absent (Debian package libonnx-testdata)";
  const CliResult r = run_cli(check_ref(dir));
  int passed = 0, failed = 0, skipped = 0;
  ASSERT_TRUE(summary(r.out, passed, failed, skipped)) << r.out.substr(0, 2000);
  EXPECT_EQ(failed, 0) << failures(r.out);
  EXPECT_EQ(r.status, failed ? 1 : 0);
  // The reference operators cover a good part of the suite; a collapse (e.g. the importer
  // rejecting everything) must not pass as "0 failed".
  EXPECT_GE(passed, 200) << r.out.substr(0, 2000);
}

TEST(Conformance, Mnist8ReferenceEngine) {
  const std::string dir = std::string(INFERLAB_SHARED_DATA) + "/mnist/mnist-8";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is absent (shared data not available)";
  const CliResult r = run_cli(check_ref(dir));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "PASS mnist-8\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "1 passed, 0 failed, 0 skipped\n")) << r.out;
}
