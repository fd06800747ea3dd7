#pragma once
#include "ir/graph.h"

namespace inferlab::ir_import {

// Folds Conv -> Add(per-channel constant) into the Conv's bias input, where the Conv's output
// feeds nothing else (OpenVINO IRs keep the bias separate; ONNX has it in the Conv).
void fold_conv_bias(Graph& g);

}  // namespace inferlab::ir_import
