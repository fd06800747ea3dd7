#pragma once
// Progress of long runs on stderr: a self-rewriting line on a terminal, plain lines every few
// seconds otherwise (logs stay readable).
#include <cstdint>
#include <string>

#include "inferlab/lab/loadgen.h"

namespace inferlab::bench {

class Progress {
 public:
  // `planned_s` > 0: the expected duration, for a percentage.
  Progress(std::string label, double planned_s, bool enabled = true);
  ~Progress();
  ProgressFn fn();
  void update(double elapsed_s, std::int64_t done);
  void finish();

 private:
  std::string label_;
  double planned_s_;
  bool enabled_, tty_, dirty_ = false;
  double last_line_s_ = -1;
};

}  // namespace inferlab::bench
