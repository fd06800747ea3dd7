// Names of the typed compile options and their one-time validation.
#include "runtime/options.h"

#include "ir/error.h"

namespace inferlab {

Engine parse_engine(const std::string& name) {
  if (name == "optimized") return Engine::optimized;
  if (name == "reference") return Engine::reference;
  fail("unknown engine '{}' (optimized or reference)", name);
}

const char* engine_name(Engine e) {
  switch (e) {
    case Engine::optimized:
      return "optimized";
    case Engine::reference:
      return "reference";
  }
  return "?";
}

ConvAlgo parse_conv_algo(const std::string& name) {
  if (name == "auto") return ConvAlgo::automatic;
  if (name == "direct") return ConvAlgo::direct;
  if (name == "winograd") return ConvAlgo::winograd;
  fail("unknown conv algorithm '{}' (auto, direct or winograd)", name);
}

const char* conv_algo_name(ConvAlgo a) {
  switch (a) {
    case ConvAlgo::automatic:
      return "auto";
    case ConvAlgo::direct:
      return "direct";
    case ConvAlgo::winograd:
      return "winograd";
  }
  return "?";
}

void validate_options(const CompileOptions& o) {
  // Enum values outside the declared ones (a cast from an int) fail here rather than deep in an
  // engine.
  if (engine_name(o.engine)[0] == '?') fail("engine: invalid value {}", static_cast<int>(o.engine));
  if (conv_algo_name(o.conv_algo)[0] == '?') {
    fail("conv_algo: invalid value {}", static_cast<int>(o.conv_algo));
  }
  if (precision_name(o.precision)[0] == '?') {
    fail("precision: invalid value {}", static_cast<int>(o.precision));
  }
  if (o.hint != PerformanceHint::latency && o.hint != PerformanceHint::throughput) {
    fail("hint: invalid value {}", static_cast<int>(o.hint));
  }
  if (o.engine == Engine::reference && o.precision != Precision::f32) {
    fail("precision {}: the reference engine runs f32 only (use the optimized engine)",
         precision_name(o.precision));
  }
  if (o.batch < 0) fail("batch must be positive (got {})", o.batch);
  if (o.streams < 0) fail("number of streams must be positive (got {})", o.streams);
  if (o.threads_per_stream < 0) {
    fail("threads per stream must be positive (got {})", o.threads_per_stream);
  }
  for (const auto& [name, shape] : o.shapes) {
    for (std::int64_t d : shape)
      if (d < 0) fail("shape of input '{}': dimension {} is negative", name, d);
  }
}

}  // namespace inferlab
