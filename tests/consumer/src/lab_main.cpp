// A user's program on the installed lab component: `inferlab compare` from C++ on the native
// backend (the peers need their Python environments, which an install does not carry). It
// prints each backend's status, its query count and whether its throughput was measured.
#include <inferlab/lab/compare.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODEL.onnx\n", argv[0]);
    return 2;
  }
  try {
    inferlab::bench::CompareOptions o;
    o.backends = {"native"};
    o.backend.model = argv[1];
    o.scenario.repetitions = 2;
    o.scenario.iterations = 20;
    o.sample_count = 1;
    inferlab::bench::CompareHooks hooks;
    // The sample library: every input filled with 1.5.
    hooks.samples = [](const std::vector<inferlab::PortInfo>& ports, std::int64_t n) {
      std::vector<inferlab::backends::TensorMap> samples(static_cast<std::size_t>(n));
      for (auto& s : samples)
        for (const inferlab::PortInfo& p : ports) {
          inferlab::Tensor t(p.dtype, p.shape);
          for (std::int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = 1.5f;
          s.emplace(p.name, t);
        }
      return samples;
    };
    const inferlab::bench::CompareResult r = inferlab::bench::run_compare(o, hooks);
    for (const inferlab::bench::CompareRow& row : r.rows) {
      std::int64_t queries = 0;
      for (const auto& rep : row.reps) queries += rep.latency.count;
      std::printf("%s: %s, %lld queries, throughput %s%s\n", row.name.c_str(), row.status.c_str(),
                  static_cast<long long>(queries),
                  row.result.throughput.median > 0 ? "measured" : "missing", row.error.c_str());
    }
  } catch (const inferlab::Error& e) {
    std::fprintf(stderr, "error (%s): %s\n", inferlab::error_code_name(e.code()), e.what());
    return 2;
  }
  return 0;
}
