#include "runtime/stream_rule.h"

#include <algorithm>

namespace inferlab {

int default_streams(const CompileOptions& o, int cpus, double macs) {
  if (o.streams > 0) return o.streams;
  if (o.hint == PerformanceHint::latency) return 1;
  if (o.threads_per_stream > 0) return std::max(1, cpus / o.threads_per_stream);
  // Under 0.5 GMAC per inference, splitting the work over threads costs more than it gains.
  if (macs < 0.5e9) return cpus;
  // From 8 cores, two threads per inference still scale and half as many requests keep their
  // activations in cache.
  return cpus >= 8 ? cpus / 2 : cpus;
}

}  // namespace inferlab
