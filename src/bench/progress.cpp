#include "inferlab/lab/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace inferlab::bench {

Progress::Progress(std::string label, double planned_s, bool enabled)
    : label_(std::move(label)),
      planned_s_(planned_s),
      enabled_(enabled),
      tty_(isatty(STDERR_FILENO) != 0) {}

Progress::~Progress() {
  finish();
}

ProgressFn Progress::fn() {
  if (!enabled_) return {};
  return [this](double el, std::int64_t done) { update(el, done); };
}

void Progress::update(double el, std::int64_t done) {
  std::string pct;
  if (planned_s_ > 0) pct = fmt::format(" {:3.0f}%", std::min(100.0, 100.0 * el / planned_s_));
  if (tty_) {
    fmt::print(stderr, "\r{}{} {:6.1f} s, {} queries   ", label_, pct, el, done);
    std::fflush(stderr);
    dirty_ = true;
  } else if (last_line_s_ < 0 || el - last_line_s_ >= 5) {
    last_line_s_ = el;
    fmt::print(stderr, "{}{} {:.1f} s, {} queries\n", label_, pct, el, done);
  }
}

void Progress::finish() {
  if (dirty_) {
    fmt::print(stderr, "\r{:<70}\r", "");
    std::fflush(stderr);
    dirty_ = false;
  }
}

}  // namespace inferlab::bench
