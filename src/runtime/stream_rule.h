#pragma once
// How many streams a compiled model gets when the caller does not say (docs/engine.md, "Streams
// and threads"). A rule of its own so that it is tested with exact figures.
#include "inferlab/inferlab.h"
#include "ir/error.h"

namespace inferlab {

// Streams for `o` on `cpus` available cores for a model of `macs` multiply-accumulates per
// inference (graph_macs, ir/macs.h). An explicit o.streams wins; the latency hint uses one stream.
int default_streams(const CompileOptions& o, int cpus, double macs);

}  // namespace inferlab
