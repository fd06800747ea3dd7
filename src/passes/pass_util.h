#pragma once
// Small helpers shared by the graph passes.
#include <string>

#include "ir/graph.h"

namespace inferlab::passes {

// Index of the only node reading `value`, or -1 when it has zero or several readers or is a
// graph output (its name must then survive).
std::ptrdiff_t sole_consumer(const Graph& g, const std::string& value);

// Makes `n.fused_from` list itself and then `other`'s originals.
void record_fusion(Node& n, const Node& other);

// A fresh value name derived from `base`.
std::string fresh_name(const Graph& g, const std::string& base);

const Tensor* constant_of(const Graph& g, const std::string& value);

// Adds `t` as a new constant value named after `base` (fresh_name) and returns its name.
std::string add_constant(Graph& g, const std::string& base, Tensor t);

}  // namespace inferlab::passes
