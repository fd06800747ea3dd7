// Checked output: a failed write (full disk, missing folder, closed stdout) is an error with exit
// status 2, files appear whole or not at all, destinations are checked before measuring.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "inferlab/lab/output_file.h"
#include "inferlab/lab/results_db.h"
#include "ir/error.h"
#include "support/cli.h"
#include "support/onnx_builder.h"

using namespace inferlab;
using namespace inferlab::test;
namespace fs = std::filesystem;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Runs the CLI with stdout sent to `stdout_to` and returns {status, stderr}.
CliResult run_cli_stdout_to(const std::string& args, const std::string& stdout_to,
                            const TempDir& d) {
  const std::string err = d / "stderr.txt";
  const std::string cmd =
      std::string(INFERLAB_BINARY_DIR) + "/inferlab " + args + " >" + stdout_to + " 2>" + err;
  const int st = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_bytes(err);
  return r;
}

bool has_temporaries(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(Writes, AtomicWriteReplacesWholeFileAndLeavesNoTemporary) {
  TempDir d("rel");
  write_bytes(d / "out.json", "old content that is longer than the new one");
  write_file_atomically(d / "out.json", "{}\n", "--json file");
  EXPECT_EQ(read_bytes(d / "out.json"), "{}\n");
  EXPECT_FALSE(has_temporaries(d.path()));
}

// A streamed file is invisible until committed: an interrupted run (destroyed before commit)
// leaves the old file and no temporary behind.
TEST(Writes, StreamedFileAppearsWholeOnlyWhenCommitted) {
  TempDir d("rel");
  write_bytes(d / "log.csv", "old\n");
  {
    StreamedFile f(d / "log.csv", "--latency-log file");
    f.write("a,1\n");
    f.write("b,2\n");
    EXPECT_EQ(read_bytes(d / "log.csv"), "old\n");
    f.commit();
    EXPECT_THROW(f.write("late\n"), Error);
  }
  EXPECT_EQ(read_bytes(d / "log.csv"), "a,1\nb,2\n");
  {
    StreamedFile f(d / "log.csv", "--latency-log file");
    f.write("half\n");
  }  // not committed
  EXPECT_EQ(read_bytes(d / "log.csv"), "a,1\nb,2\n");
  EXPECT_FALSE(has_temporaries(d.path()));
}

TEST(Writes, FullDiskIsAnErrorNamingTheDestination) {
  const std::string e =
      error_of([] { write_file_atomically("/dev/full", std::string(100, 'x'), "--csv file"); });
  EXPECT_NE(e.find("--csv file /dev/full: write failed: No space left on device"),
            std::string::npos)
      << e;
}

TEST(Writes, MissingFolderAndDirectoryAreRejectedBeforeWriting) {
  TempDir d("rel");
  EXPECT_NE(
      error_of([&] { check_writable(d / "no/such/out.csv", "--csv file"); }).find("no folder"),
      std::string::npos);
  EXPECT_NE(
      error_of([&] { check_writable(d.path().string(), "--json file"); }).find("is a directory"),
      std::string::npos);
  EXPECT_EQ(error_of([&] { check_writable(d / "ok.csv", "--csv file"); }), "");
  EXPECT_FALSE(fs::exists(d / "ok.csv"));
  EXPECT_FALSE(has_temporaries(d.path()));
}

TEST(Writes, ResultsToFullStdoutIsExit2NotInternalError) {
  TempDir d("rel");
  {
    bench::ResultsDb db(d / "r.db");
    for (int i = 0; i < 200; ++i)  // more than stdio's buffer, so fmt's own write fails too
      db.append({{"kind", "repetition"}, {"model", std::string(100, 'm')}, {"repetition", i}});
  }
  for (const char* fmt : {"--json", "--csv", ""}) {
    const CliResult r = run_cli_stdout_to("results --db " + d / "r.db" + " " + fmt, "/dev/full", d);
    EXPECT_EQ(r.status, 2) << fmt << ": " << r.out;
    EXPECT_TRUE(contains(r.out, "cannot write to standard output: No space left on device"))
        << fmt << ": " << r.out;
    EXPECT_FALSE(contains(r.out, "internal error")) << r.out;
  }
}

TEST(Writes, BenchRejectsABadCsvDestinationBeforeMeasuring) {
  TempDir d("rel");
  relu_model().save(d / "m.onnx");
  const CliResult r =
      run_cli("bench " + d / "m.onnx" + " --no-db --time 30 --csv " + d / "missing/out.csv");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--csv file")) << r.out;
  EXPECT_FALSE(contains(r.out, "measuring")) << r.out;  // failed before the 30 s run
}

TEST(Writes, BenchCsvToFullDiskIsExit2) {
  TempDir d("rel");
  relu_model().save(d / "m.onnx");
  const CliResult r = run_cli("bench " + d / "m.onnx" +
                              " --no-db --time 0.2 --repetitions 1 --no-progress --csv /dev/full");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(contains(r.out, "--csv file /dev/full: write failed")) << r.out;
}

// The lab's and the zoo's outputs go through the same checked writer.
TEST(Writes, ZooModelToFullDiskIsExit2AndLeavesNoPartialFile) {
  TempDir d("rel");
  const CliResult full = run_cli("zoo mobilenet_v2 -o /dev/full");
  EXPECT_EQ(full.status, 2) << full.out;
  EXPECT_TRUE(contains(full.out, "/dev/full")) << full.out;
  const CliResult ok = run_cli("zoo mobilenet_v2 -o " + d / "m.onnx");
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_FALSE(has_temporaries(d.path())) << "temporary file left behind";
}
