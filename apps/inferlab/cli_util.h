#pragma once
// Option parsing shared by the commands that compile a model (run, bench, accuracy, ...).
#include <CLI/CLI.hpp>
#include <map>
#include <string>
#include <vector>

#include "cli_error.h"
#include "inferlab/inferlab.h"

namespace inferlab::cli {

// "NAME=1x3x224x224" -> {NAME, shape}; throws Error on malformed text.
std::pair<std::string, Shape> parse_named_shape(const std::string& text);
// "NAME=FILE" -> {NAME, FILE}.
std::pair<std::string, std::string> parse_named_file(const std::string& text);

// Deterministic pseudo-random tensor: floats uniform in [-1, 1], integers in [0, 10).
Tensor random_tensor(DType dtype, const Shape& shape, std::uint64_t seed);

// Index/value pairs of the k largest elements of row `row` of a [N, C] (or [N, C, 1, 1]) output.
std::vector<std::pair<std::int64_t, float>> top_k(const Tensor& t, std::int64_t row, int k);
// True for outputs that look like classifier scores: [N, C] or [N, C, 1, 1] with C > 1.
bool is_classifier_output(const Tensor& t);

// --precision f32|bf16|i8 into `p`; any other value is a parse error (exit status 2).
CLI::Option* add_precision_option(CLI::App* cmd, Precision& p);
// --engine optimized|reference into `e`, likewise.
CLI::Option* add_engine_option(CLI::App* cmd, Engine& e, const std::string& help);
// --conv-algo auto|direct|winograd into `a`, likewise.
CLI::Option* add_conv_algo_option(CLI::App* cmd, ConvAlgo& a, const std::string& help);

}  // namespace inferlab::cli
