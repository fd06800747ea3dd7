#pragma once
// The optimized FP32 engine ("optimized"): graph passes (passes/passes.h), then one step per
// node: a oneDNN primitive where oneDNN covers the node (kernels/onednn), else the node's
// reference kernel on plain-layout data ("one program, mixed nodes"). Layout conversions are
// explicit reorder steps, inserted only where a consumer needs a layout its producer did not
// give. Activations live in one arena per request, planned by liveness at compile time;
// weights are reordered once and shared read-only by every request.
#include <memory>

#include "runtime/program.h"

namespace inferlab {

std::unique_ptr<Program> make_optimized_program(std::shared_ptr<const Graph> g,
                                                const CompileOptions& options);

}  // namespace inferlab
