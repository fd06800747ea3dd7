#pragma once
// The optimized engine's precision rules (docs/engine.md, "Precision"): what a request needs
// before compiling (the ISA, a quantized model) and what the compiled program must show after
// (every compute layer in the precision asked). Each failure is one Error naming the ISA or the
// node, so `--precision bf16` never runs f32 silently.
#include <vector>

#include "inferlab/inferlab.h"
#include "ir/error.h"
#include "ir/graph.h"

namespace inferlab::opt {

// Throws Error when the CPU (as oneDNN sees it, ONEDNN_MAX_CPU_ISA included) or the model cannot
// run precision `p` at all.
void check_precision_request(const Graph& g, Precision p);
// Throws Error naming the first compute layer (Conv, Gemm, MatMul) of `layers` (one per node of
// `g`, same order) that does not run in `p`.
void check_precision_result(const Graph& g, const std::vector<LayerProfile>& layers, Precision p);

}  // namespace inferlab::opt
