// Times every distinct convolution of ResNet-50 on the oneDNN this program was built against
// (bench/onednn_versions.sh builds it twice: Debian's 2.6 and the 3.x wheel) and prints one
// tab-separated row per (threads, batch, layer, kind): the implementation oneDNN picked and
// milliseconds per call (median, min, max over the timed calls), the median process CPU time per
// call, the call's direct-convolution GFLOP and GFLOP/s (of the median). CPU time is what a
// one-thread figure is least disturbed by on a loaded machine: time spent preempted does not
// count (with more threads it also counts spinning at barriers). Rows starting with '#' are
// comments. Usage:
//   onednn_layers [--kinds f32,f32wino,bf16,i8] [--batches 1,8] [--threads 1,2]
//                 [--layout any|nChw16c] [--reps N] [--min-reps N] [--max-ms MS] [--layers TEXT]
//   onednn_layers --check DIR [--kinds ...] [--batches 1] [--layers TEXT]
// --reps caps the timed calls per row, --max-ms stops earlier once --min-reps calls are done;
// --layers keeps the layers whose name contains TEXT. --check times nothing: it compares each
// layer's output with a reference file in DIR (see check_row), so that the versions are shown to
// compute the same convolution; exit status 1 when one differs.
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conv_primitive.h"

namespace {

using namespace onednn_layers;

struct Options {
  std::vector<Kind> kinds{Kind::f32_direct, Kind::f32_winograd, Kind::bf16_direct, Kind::i8_direct};
  std::vector<int> batches{1, 8};
  std::vector<int> threads{1, 2};
  Layout layout = Layout::any;
  int reps = 20, min_reps = 3;
  double max_ms = 300;
  std::string layers;
  std::string check_dir;  // --check
};

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "onednn_layers: %s\n", message.c_str());
  std::exit(2);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  return items;
}

int positive_int(const std::string& option, const std::string& text) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v <= 0 || v > 100000)
    usage_error(option + " wants a positive integer, got '" + text + "'");
  return static_cast<int>(v);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string opt = argv[i];
    if (i + 1 >= argc) usage_error("option " + opt + " needs a value (or is unknown)");
    const std::string val = argv[++i];
    if (opt == "--kinds") {
      o.kinds.clear();
      for (const auto& k : split(val)) {
        Kind kind;
        if (!parse_kind(k, kind))
          usage_error("--kinds: unknown kind '" + k + "' (f32,f32wino,bf16,i8)");
        o.kinds.push_back(kind);
      }
    } else if (opt == "--batches" || opt == "--threads") {
      auto& list = opt == "--batches" ? o.batches : o.threads;
      list.clear();
      for (const auto& v : split(val)) list.push_back(positive_int(opt, v));
    } else if (opt == "--layout") {
      if (val != "any" && val != "nChw16c") usage_error("--layout: any or nChw16c, got " + val);
      o.layout = val == "any" ? Layout::any : Layout::nChw16c;
    } else if (opt == "--reps") {
      o.reps = positive_int(opt, val);
    } else if (opt == "--min-reps") {
      o.min_reps = positive_int(opt, val);
    } else if (opt == "--max-ms") {
      o.max_ms = positive_int(opt, val);
    } else if (opt == "--layers") {
      o.layers = val;
    } else if (opt == "--check") {
      o.check_dir = val;
    } else {
      usage_error("unknown option " + opt);
    }
  }
  if (o.kinds.empty() || o.batches.empty() || o.threads.empty())
    usage_error("--kinds, --batches and --threads need at least one value");
  o.min_reps = std::min(o.min_reps, o.reps);
  return o;
}

struct Timing {
  int calls = 0;
  double median = 0, min = 0, max = 0;  // wall ms per call
  double cpu_median = 0;                // process CPU ms per call
};

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

double median_of(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

Timing time_conv(Conv& conv, const dnnl::engine& eng, const Options& o) {
  using clock = std::chrono::steady_clock;
  dnnl::stream stream(eng);
  for (int i = 0; i < 2; ++i) {  // first call: JIT warm-up, page faults; second: caches
    conv.prim.execute(stream, conv.args);
    stream.wait();
  }
  std::vector<double> ms, cpu;
  const auto start = clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double, std::milli>(clock::now() - start).count();
  };
  while (static_cast<int>(ms.size()) < o.reps &&
         (static_cast<int>(ms.size()) < o.min_reps || elapsed() < o.max_ms)) {
    const double c0 = process_cpu_ms();
    const auto t0 = clock::now();
    conv.prim.execute(stream, conv.args);
    stream.wait();
    ms.push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
    cpu.push_back(process_cpu_ms() - c0);
  }
  Timing t;
  t.calls = static_cast<int>(ms.size());
  t.median = median_of(ms);
  t.cpu_median = median_of(cpu);
  t.min = ms.front();
  t.max = ms.back();
  return t;
}

void run_row(const dnnl::engine& eng, const Options& o, const ConvShape& s, int batch, int threads,
             Kind kind, const std::string& version) {
  std::printf("%s\t%s\t%s\t%s\t%d\t%d\t%d\t", version.c_str(), kind_name(kind),
              layout_name(o.layout), s.name, batch, threads, s.count);
  // FLOPs of direct convolution (2 per MAC), also for Winograd: its "effective" rate.
  const double gflop = 2 * s.macs() * batch / 1e9;
  Conv conv;
  try {
    conv = make_conv(eng, s, batch, kind, o.layout);
  } catch (const dnnl::error& e) {
    if (e.status != dnnl_unimplemented) throw;
    std::printf("unimplemented\t0\t-\t-\t-\t-\t%.4f\t-\n", gflop);
    std::fflush(stdout);
    return;
  }
  const Timing t = time_conv(conv, eng, o);
  std::printf("%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.1f\n", conv.impl.c_str(), t.calls, t.median,
              t.min, t.max, t.cpu_median, gflop, gflop / (t.median * 1e-3));
  std::fflush(stdout);
}

// --check: the first run writes each layer's plain f32 output to DIR/<kind>_<layer>_b<batch>.f32
// (Winograd is compared with the direct f32 file and never written); later runs, i.e. the other
// versions, compare with it. Allowed difference, relative to the largest |reference|: f32 1e-4
// (accumulation order), Winograd 1e-3 (its transforms round differently), bf16 1e-2 (bf16
// destination); i8: one quantum. Returns false when the output differs more.
bool check_row(const dnnl::engine& eng, const Options& o, const ConvShape& s, int batch, Kind kind,
               const std::string& version) {
  std::printf("check\t%s\t%s\t%s\t%d\t", version.c_str(), kind_name(kind), s.name, batch);
  Conv conv;
  try {
    conv = make_conv(eng, s, batch, kind, o.layout);
  } catch (const dnnl::error& e) {
    if (e.status != dnnl_unimplemented) throw;
    std::printf("-\tunimplemented\n");
    return true;
  }
  const std::vector<float> out = plain_output(eng, conv);
  const Kind ref_kind = kind == Kind::f32_winograd ? Kind::f32_direct : kind;
  const std::string path = o.check_dir + "/" + kind_name(ref_kind) + "_" + s.name + "_b" +
                           std::to_string(batch) + ".f32";
  std::vector<float> ref(out.size());
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    if (kind == Kind::f32_winograd) {
      std::printf("%s\tno reference (run f32 first)\n", conv.impl.c_str());
      return false;
    }
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(out.data()), out.size() * sizeof(float));
    if (!file.flush()) {
      std::printf("%s\tFAIL: cannot write %s\n", conv.impl.c_str(), path.c_str());
      return false;
    }
    std::printf("%s\twritten\n", conv.impl.c_str());
    return true;
  }
  if (static_cast<std::size_t>(in.tellg()) != out.size() * sizeof(float)) {
    std::printf("%s\tFAIL: %s has another size\n", conv.impl.c_str(), path.c_str());
    return false;
  }
  in.seekg(0).read(reinterpret_cast<char*>(ref.data()), ref.size() * sizeof(float));
  double max_ref = 0, max_diff = 0;
  std::size_t differing = 0, nonzero = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    max_ref = std::max(max_ref, double(std::fabs(ref[i])));
    max_diff = std::max(max_diff, double(std::fabs(out[i] - ref[i])));
    differing += out[i] != ref[i];
    nonzero += ref[i] != 0;
  }
  const double allowed = kind == Kind::i8_direct      ? 1.0
                         : kind == Kind::bf16_direct  ? 1e-2 * max_ref
                         : kind == Kind::f32_winograd ? 1e-3 * max_ref
                                                      : 1e-4 * max_ref;
  const bool ok = max_diff <= allowed && std::isfinite(max_diff);
  std::printf(
      "%s\t%s: max |diff| %.3g (allowed %.3g), max |ref| %.3g, %zu of %zu values differ, "
      "%zu nonzero\n",
      conv.impl.c_str(), ok ? "ok" : "FAIL", max_diff, allowed, max_ref, differing, out.size(),
      nonzero);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  const dnnl_version_t* v = dnnl_version();
  const std::string version =
      std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  std::printf("# oneDNN %s (%s), cpu runtime %s\n", version.c_str(), v->hash,
              v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "other");
  std::printf(
      "version\tkind\tlayout\tlayer\tbatch\tthreads\tcount\timpl\tcalls\tmedian_ms\tmin_ms\tmax_"
      "ms\tcpu_ms\tgflop\tgflops\n");
  try {
    const dnnl::engine eng(dnnl::engine::kind::cpu, 0);
    if (!o.check_dir.empty()) {
      bool ok = true;
      omp_set_num_threads(o.threads.front());
      for (int batch : o.batches)
        for (const ConvShape& s : kResNet50)
          for (Kind kind : o.kinds) {
            if (!o.layers.empty() && std::string(s.name).find(o.layers) == std::string::npos)
              continue;
            if (kind == Kind::f32_winograd && (s.k != 3 || s.stride != 1)) continue;
            ok = check_row(eng, o, s, batch, kind, version) && ok;
            std::fflush(stdout);
          }
      return ok ? 0 : 1;
    }
    for (int threads : o.threads) {
      // Before creating the primitives: oneDNN sizes their work split by the team size.
      omp_set_num_threads(threads);
      for (int batch : o.batches)
        for (const ConvShape& s : kResNet50) {
          if (!o.layers.empty() && std::string(s.name).find(o.layers) == std::string::npos)
            continue;
          for (Kind kind : o.kinds) {
            // Winograd exists for 3x3 stride 1 only; other shapes have no such row.
            if (kind == Kind::f32_winograd && (s.k != 3 || s.stride != 1)) continue;
            run_row(eng, o, s, batch, threads, kind, version);
          }
        }
    }
  } catch (const dnnl::error& e) {
    std::fprintf(stderr, "onednn_layers: oneDNN error %d: %s\n", static_cast<int>(e.status),
                 e.what());
    return 1;
  }
  return 0;
}
