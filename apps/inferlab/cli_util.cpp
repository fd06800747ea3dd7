#include "cli_util.h"

#include <algorithm>
#include <numeric>

#include "inferlab/lab/random_samples.h"

namespace inferlab::cli {

std::pair<std::string, Shape> parse_named_shape(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    fail("malformed --shape '{}': expected NAME=1x3x224x224", text);
  return {text.substr(0, eq), parse_shape(text.substr(eq + 1))};
}

std::pair<std::string, std::string> parse_named_file(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    fail("malformed --input '{}': expected NAME=FILE.pb or NAME=FILE.npy", text);
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

Tensor random_tensor(DType dtype, const Shape& shape, std::uint64_t seed) {
  return bench::random_tensor(dtype, shape, seed);  // one generator for the CLI and the library
}

bool is_classifier_output(const Tensor& t) {
  const Shape& s = t.shape();
  if (t.dtype() != DType::f32 || s.size() < 2 || s[1] <= 1) return false;
  for (std::size_t i = 2; i < s.size(); ++i)
    if (s[i] != 1) return false;
  return true;
}

std::vector<std::pair<std::int64_t, float>> top_k(const Tensor& t, std::int64_t row, int k) {
  const std::int64_t c = t.shape()[1];
  const float* p = t.data<float>() + row * c;
  std::vector<std::int64_t> idx(static_cast<std::size_t>(c));
  std::iota(idx.begin(), idx.end(), 0);
  const auto kk = std::min<std::int64_t>(k, c);
  std::partial_sort(idx.begin(), idx.begin() + kk, idx.end(), [&](std::int64_t a, std::int64_t b) {
    return p[a] > p[b] || (p[a] == p[b] && a < b);
  });
  std::vector<std::pair<std::int64_t, float>> out;
  for (std::int64_t i = 0; i < kk; ++i) out.emplace_back(idx[i], p[idx[i]]);
  return out;
}

}  // namespace inferlab::cli

namespace inferlab::cli {

CLI::Option* add_precision_option(CLI::App* cmd, Precision& p) {
  // A string checked against the names (CLI11's enum transformer would also take "0".."2").
  return cmd
      ->add_option_function<std::string>(
          "--precision", [&p](const std::string& s) { p = parse_precision(s); },
          "inference precision f32|bf16|i8 (benchmark_app -infer_precision); the native engine "
          "runs it or fails, peers refuse what they cannot run")
      ->check(CLI::IsMember({"f32", "bf16", "i8"}));
}

CLI::Option* add_engine_option(CLI::App* cmd, Engine& e, const std::string& help) {
  return cmd
      ->add_option_function<std::string>(
          "--engine", [&e](const std::string& s) { e = parse_engine(s); }, help)
      ->check(CLI::IsMember({"optimized", "reference"}));
}

CLI::Option* add_conv_algo_option(CLI::App* cmd, ConvAlgo& a, const std::string& help) {
  return cmd
      ->add_option_function<std::string>(
          "--conv-algo", [&a](const std::string& s) { a = parse_conv_algo(s); }, help)
      ->check(CLI::IsMember({"auto", "direct", "winograd"}));
}

}  // namespace inferlab::cli
