// `--precision i8 --calibration DIR --preset P` on an FP32 model (run, bench, accuracy, sweep):
// quantized in memory through data::quantize_with_calibration, said so with the images used;
// without calibration data, or with a request that cannot be honoured, one message and exit 2.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/cli.h"
#include "support/temp_dir.h"
#include "tiny_cnn.h"
#include "zoo/model_builder.h"
#include "zoo/zoo.h"

using namespace inferlab;
using namespace inferlab::test;
namespace fs = std::filesystem;

namespace {

struct CalibrationCli : ::testing::Test {
  TempDir tmp{"calibration_cli"};  // per test: ctest runs them in parallel
  fs::path dir = tmp.path();
  std::string model, cifar = std::string(INFERLAB_SHARED_DATA) + "/cifar10/test";
  void SetUp() override {
    fs::create_directories(dir / "empty");
    model = (dir / "tiny.onnx").string();
    write_tiny_cnn(model, 10);
  }
  bool have_cifar() const { return fs::exists(cifar); }
  std::string calib(std::size_t n = 8) const {
    return " --precision i8 --calibration " + cifar + " --preset cifar10 --calibration-samples " +
           std::to_string(n);
  }
};

// Skips when oneDNN has no VNNI here (the engine refuses i8 then, which is tested elsewhere).
#define SKIP_WITHOUT_VNNI(r) \
  if (contains((r).out, "needs a VNNI ISA")) GTEST_SKIP() << "no VNNI here: " << (r).out

}  // namespace

TEST_F(CalibrationCli, I8OnFp32ModelWithoutCalibrationRefuses) {
  for (const std::string& cmd : {"run " + model, "bench " + model + " --niter 1 --no-db"}) {
    const auto r = run_cli(cmd + " --precision i8");
    SKIP_WITHOUT_VNNI(r);
    EXPECT_EQ(r.status, 2) << cmd << ": " << r.out;
    EXPECT_TRUE(contains(r.out, "--calibration DIR --preset P")) << r.out;
  }
}

TEST_F(CalibrationCli, CalibrationWithAnotherPrecisionRefuses) {
  const auto r = run_cli("run " + model + " --calibration " + dir.string() + " --preset cifar10");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "quantizes the model for --precision i8; this run asks for f32"))
      << r.out;
}

TEST_F(CalibrationCli, CalibrationWithoutPresetRefuses) {
  const auto r = run_cli("run " + model + " --precision i8 --calibration " + dir.string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "say how to preprocess its images with --preset")) << r.out;
}

TEST_F(CalibrationCli, EmptyOrMissingCalibrationFolderRefuses) {
  for (const auto& d : {dir / "empty", dir / "nope"}) {
    const auto r =
        run_cli("run " + model + " --precision i8 --preset cifar10 --calibration " + d.string());
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_TRUE(contains(r.out, d.string())) << r.out;
    EXPECT_FALSE(contains(r.out, "quantized in memory")) << r.out;
  }
}

TEST_F(CalibrationCli, PeerBackendsRefuseInMemoryQuantization) {
  if (!have_cifar()) GTEST_SKIP() << "shared test data absent (" << cifar << ")";
  const auto r = run_cli("bench " + model + " --backend onnxruntime --niter 1 --no-db" + calib());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "for the native engine only")) << r.out;
}

TEST_F(CalibrationCli, AlreadyQuantizedModelRefusesCalibration) {
  if (!have_cifar()) GTEST_SKIP() << "shared test data absent (" << cifar << ")";
  const std::string q = (dir / "tiny_int8.onnx").string();
  ASSERT_EQ(
      run_cli("quantize " + model + " --dataset " + cifar + " --preset cifar10 --samples 4 -o " + q)
          .status,
      0);
  const auto r = run_cli("run " + q + calib());
  SKIP_WITHOUT_VNNI(r);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "the model is already quantized")) << r.out;
}

TEST_F(CalibrationCli, RunQuantizesInMemoryAndSaysWithWhichImages) {
  if (!have_cifar()) GTEST_SKIP() << "shared test data absent (" << cifar << ")";
  const auto r = run_cli("run " + model + calib() + " --dump-graph");
  SKIP_WITHOUT_VNNI(r);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "quantized in memory to int8")) << r.out;
  EXPECT_TRUE(contains(r.out, "calibration on 8 images of 10000")) << r.out;
  EXPECT_TRUE(contains(r.out, "'airplane/0000.jpg'")) << r.out;
  EXPECT_TRUE(contains(r.out, "QLinearConv")) << r.out;
  EXPECT_TRUE(contains(r.out, "precision i8 (")) << r.out;
}

TEST_F(CalibrationCli, BenchAndAccuracyQuantizeInMemory) {
  if (!have_cifar()) GTEST_SKIP() << "shared test data absent (" << cifar << ")";
  const std::string json = (dir / "bench.json").string();
  const auto b = run_cli("bench " + model + calib() + " --niter 2 --repetitions 1 --no-db --json " +
                         json + " --no-progress");
  SKIP_WITHOUT_VNNI(b);
  ASSERT_EQ(b.status, 0) << b.out;
  EXPECT_TRUE(contains(b.out, "note: quantized in memory to int8")) << b.out;
  EXPECT_TRUE(contains(b.out, "precision  i8 (")) << b.out;
  const auto a = run_cli("accuracy " + model + " --dataset " + cifar + " --limit 16" + calib());
  ASSERT_EQ(a.status, 0) << a.out;
  EXPECT_TRUE(contains(a.out, "note: quantized in memory to int8")) << a.out;
  EXPECT_TRUE(contains(a.out, "precision:  i8 (")) << a.out;
  EXPECT_TRUE(contains(a.out, "top-1")) << a.out;
}

TEST_F(CalibrationCli, SweepWithCalibrationButNoI8PointRefuses) {
  const auto r = run_cli("sweep " + model + " --precision f32 --calibration " + dir.string() +
                         " --preset cifar10 --db " + (dir / "r.db").string());
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "add i8 to --precision")) << r.out;
}
