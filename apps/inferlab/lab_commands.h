#pragma once
// The performance-lab commands as functions, so that `inferlab study` runs them in one process
// with the same code and output as `inferlab sweep`, `scale`, `roofline` and `report`.
#include <string>
#include <vector>

#include "inferlab/lab/scale.h"
#include "sweep_cli.h"

namespace inferlab::cli {

struct SweepSummary {
  SweepPlan plan;
  bench::SweepOutcome out;
  std::vector<bench::BackendAnswers> answers;
};
SweepSummary run_sweep_command(const SweepArgs& a, const std::string& json_path = "");

struct ScaleArgs {
  std::string model, backends = "native", cores, modes = "throughput,latency", precision = "f32";
  std::string dataset, preset, db, json, csv;  // db: empty = $INFERLAB_DB or results.db
  int batch = 1, repetitions = 3;
  double duration_s = 3;
  std::uint64_t seed = 0;
  bool no_db = false;
};
std::vector<bench::ScalePoint> run_scale_command(const ScaleArgs& a);

struct RooflineArgs {
  std::string model, backend = "native", db, json, csv;  // db: empty = $INFERLAB_DB/results.db
  std::string precision = "f32";
  int batch = 1, threads = 0;
  double duration_s = 3;
  bool no_db = false, quick = false, ceilings_only = false;
};
void run_roofline_command(const RooflineArgs& a);

struct ReportArgs {
  std::string db, output = "report.html", data_dir, node_modules, sweep;  // db: as above
};
void run_report_command(const ReportArgs& a);

}  // namespace inferlab::cli
