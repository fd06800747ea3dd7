#include "inferlab/lab/bandwidth.h"

#include <hwloc.h>
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>

namespace inferlab {
namespace {

using Clock = std::chrono::steady_clock;

// Eight independent accumulators hide the add latency so loads are the only limit.
__attribute__((target("avx512f"))) float read_avx512(const float* a, std::int64_t n) {
  __m512 acc[8];
  for (auto& x : acc) x = _mm512_set1_ps(0.0f);
  for (std::int64_t i = 0; i + 128 <= n; i += 128)
    for (int k = 0; k < 8; ++k) acc[k] = _mm512_add_ps(acc[k], _mm512_load_ps(a + i + 16 * k));
  for (int k = 1; k < 8; ++k) acc[0] = _mm512_add_ps(acc[0], acc[k]);
  float lanes[16];  // not _mm512_reduce_add_ps: GCC 12 warns inside it (-Werror)
  _mm512_storeu_ps(lanes, acc[0]);
  float sum = 0;
  for (float x : lanes) sum += x;
  return sum;
}

__attribute__((target("avx512f"))) void rw_avx512(float* a, std::int64_t n) {
  const __m512 s = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(1e-3f);
  for (std::int64_t i = 0; i + 16 <= n; i += 16)
    _mm512_store_ps(a + i, _mm512_fmadd_ps(_mm512_load_ps(a + i), s, c));
}

float read_generic(const float* a, std::int64_t n) {
  float acc[8] = {};
  for (std::int64_t i = 0; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += a[i + k];
  float s = 0;
  for (float x : acc) s += x;
  return s;
}

void rw_generic(float* a, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) a[i] = a[i] * 0.999f + 1e-3f;
}

// Best bandwidth of 3 timed runs, each repeating passes for at least `min_seconds`.
double time_kernel(float* a, std::int64_t n, StreamKernel k, bool avx512, double min_seconds) {
  const double bytes_per_pass =
      static_cast<double>(n) * sizeof(float) * (k == StreamKernel::read_write ? 2 : 1);
  double best = 0;
  volatile float sink = 0;
  for (int rep = 0; rep < 3; ++rep) {
    long passes = 0;
    const auto t0 = Clock::now();
    double s = 0;
    do {
      for (int i = 0; i < 8; ++i, ++passes) {
        if (k == StreamKernel::read)
          sink = sink + (avx512 ? read_avx512(a, n) : read_generic(a, n));
        else
          avx512 ? rw_avx512(a, n) : rw_generic(a, n);
      }
      s = std::chrono::duration<double>(Clock::now() - t0).count();
    } while (s < min_seconds);
    best = std::max(best, bytes_per_pass * static_cast<double>(passes) / s / 1e9);
  }
  return best;
}

}  // namespace

CacheSizes cache_sizes() {
  CacheSizes c;
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0) return c;
  if (hwloc_topology_load(topo) == 0) {
    auto size = [&](hwloc_obj_type_t t) -> std::int64_t {
      hwloc_obj_t o = hwloc_get_obj_by_type(topo, t, 0);
      return o && o->attr ? static_cast<std::int64_t>(o->attr->cache.size) : 0;
    };
    c.l1d = size(HWLOC_OBJ_L1CACHE);
    c.l2 = size(HWLOC_OBJ_L2CACHE);
    std::int64_t l3 = 0;  // every L3 (one per CCX on AMD) together
    const int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_L3CACHE);
    for (int i = 0; i < n; ++i)
      l3 += static_cast<std::int64_t>(
          hwloc_get_obj_by_type(topo, HWLOC_OBJ_L3CACHE, i)->attr->cache.size);
    c.l3 = l3;
  }
  hwloc_topology_destroy(topo);
  return c;
}

std::vector<BandwidthPoint> measure_bandwidth_sweep(std::int64_t min_bytes, std::int64_t max_bytes,
                                                    int steps_per_octave, double min_seconds) {
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const std::int64_t max_n = (max_bytes / 4 + 127) / 128 * 128;
  std::unique_ptr<float, decltype(&std::free)> buf(
      static_cast<float*>(std::aligned_alloc(64, static_cast<std::size_t>(max_n) * 4)), std::free);
  if (!buf) return {};
  std::fill(buf.get(), buf.get() + max_n, 1.0f);  // touch every page before timing
  std::vector<BandwidthPoint> pts;
  const double step = std::pow(2.0, 1.0 / std::max(1, steps_per_octave));
  for (double b = static_cast<double>(min_bytes); b <= static_cast<double>(max_bytes) * 1.0001;
       b *= step) {
    const std::int64_t n =
        std::max<std::int64_t>(128, static_cast<std::int64_t>(b) / 4 / 128 * 128);
    BandwidthPoint p;
    p.working_set_bytes = n * 4;
    p.read_gbs = time_kernel(buf.get(), n, StreamKernel::read, avx512, min_seconds);
    p.read_write_gbs = time_kernel(buf.get(), n, StreamKernel::read_write, avx512, min_seconds);
    pts.push_back(p);
  }
  return pts;
}

std::string fitting_level(std::int64_t bytes, const CacheSizes& c) {
  if (c.l1d > 0 && bytes <= c.l1d) return "L1";
  if (c.l2 > 0 && bytes <= c.l2) return "L2";
  if (c.l3 > 0 && bytes <= c.l3) return "L3";
  return "DRAM";
}

std::vector<Plateau> detect_plateaus(const std::vector<BandwidthPoint>& pts, const CacheSizes& c,
                                     double tolerance) {
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  // Greedy segmentation: a point joins the current run while its read bandwidth is within
  // `tolerance` of the run's median; runs of a single point are transitions between levels.
  std::vector<std::vector<BandwidthPoint>> runs;
  for (const auto& p : pts) {
    if (!runs.empty()) {
      std::vector<double> r;
      for (const auto& q : runs.back()) r.push_back(q.read_gbs);
      const double m = median(r);
      if (std::abs(p.read_gbs - m) <= tolerance * m) {
        runs.back().push_back(p);
        continue;
      }
    }
    runs.push_back({p});
  }
  std::vector<Plateau> out;
  for (const auto& run : runs) {
    if (run.size() < 2) continue;
    Plateau pl;
    pl.from_bytes = run.front().working_set_bytes;
    pl.to_bytes = run.back().working_set_bytes;
    std::vector<double> r, rw;
    for (const auto& q : run) {
      r.push_back(q.read_gbs);
      rw.push_back(q.read_write_gbs);
    }
    pl.read_gbs = median(r);
    pl.read_write_gbs = median(rw);
    pl.points = static_cast<int>(run.size());
    // Labelled by the median working set: a run may extend a step past a capacity edge.
    pl.level = fitting_level(run[run.size() / 2].working_set_bytes, c);
    out.push_back(pl);
  }
  return out;
}

}  // namespace inferlab
