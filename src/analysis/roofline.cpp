#include "inferlab/lab/roofline.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include "inferlab/lab/fma_peak.h"

namespace inferlab {

double Ceilings::bandwidth(const std::string& level) const {
  if (level == "L1") return bw_l1;
  if (level == "L2") return bw_l2;
  if (level == "L3") return bw_l3;
  return bw_dram;
}

double Ceilings::compute_peak(const std::string& precision) const {
  if (precision == "bf16") return bf16_core_gflops;
  if (precision == "i8") return int8_core_gops;
  return fp32_core_gflops;
}

double all_core_peak(int cores, const std::function<double()>& one_core) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  sched_getaffinity(0, sizeof(allowed), &allowed);
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE && static_cast<int>(cpus.size()) < cores; ++c)
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  std::vector<double> g(cpus.size());
  std::vector<std::thread> ts;
  for (std::size_t i = 0; i < cpus.size(); ++i)
    ts.emplace_back([&, i] {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpus[i], &one);
      pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
      g[i] = one_core();
    });
  for (auto& t : ts) t.join();
  double sum = 0;
  for (double x : g) sum += x;
  return sum;
}

Ceilings measure_ceilings(int cores, bool quick) {
  Ceilings c;
  c.cores = cores;
  c.fp32_core_gflops = measure_fma_peak(5).gflops;
  c.fp32_all_gflops = all_core_peak(cores, [] { return measure_fma_peak(3).gflops; });
  if (const DotPeak p = measure_bf16_peak(5); p.supported) {
    c.bf16_core_gflops = p.gops;
    c.bf16_all_gflops = all_core_peak(cores, [] { return measure_bf16_peak(3).gops; });
  }
  if (const DotPeak p = measure_int8_peak(5); p.supported) {
    c.int8_core_gops = p.gops;
    c.int8_all_gops = all_core_peak(cores, [] { return measure_int8_peak(3).gops; });
  }
  c.caches = cache_sizes();
  const std::int64_t l3 = c.caches.l3 > 0 ? c.caches.l3 : (32 << 20);
  c.sweep = measure_bandwidth_sweep(16 << 10, std::max<std::int64_t>(4 * l3, 64 << 20),
                                    quick ? 1 : 2, quick ? 0.005 : 0.02);
  c.plateaus = detect_plateaus(c.sweep, c.caches);
  auto near = [&](std::int64_t bytes) {
    const BandwidthPoint* best = &c.sweep.front();
    for (const auto& p : c.sweep)
      if (std::abs(std::log(double(p.working_set_bytes) / double(bytes))) <
          std::abs(std::log(double(best->working_set_bytes) / double(bytes))))
        best = &p;
    return best->read_gbs;
  };
  if (!c.sweep.empty()) {
    c.bw_l1 = near(c.caches.l1d > 0 ? c.caches.l1d / 2 : 16 << 10);
    c.bw_l2 = near(c.caches.l2 > 0 ? c.caches.l2 / 2 : 256 << 10);
    c.bw_l3 = near(l3 / 2);
    c.bw_dram = c.sweep.back().read_gbs;
  }
  return c;
}

namespace {

double level_bandwidth(const Ceilings& c, const std::string& level, int threads) {
  const bool private_level = level == "L1" || level == "L2";
  return c.bandwidth(level) * (private_level ? threads : 1);
}

// `peak_core`: one core's compute roof for this point (its precision's, or the network's mix).
void place(RooflineLayer& l, const Ceilings& c, int threads, double peak_core) {
  const double peak = peak_core * threads;
  l.intensity = l.bytes > 0 ? l.flops / l.bytes : 0;
  l.attained_gflops = l.time_ms > 0 ? l.flops / (l.time_ms * 1e-3) / 1e9 : 0;
  l.level = fitting_level(static_cast<std::int64_t>(l.bytes), c.caches);
  const double bw = level_bandwidth(c, l.level, threads);
  l.roof_gflops = std::min(peak, l.intensity * bw);
  l.percent_of_roof = l.roof_gflops > 0 ? 100 * l.attained_gflops / l.roof_gflops : 0;
  if (l.flops == 0) {
    l.verdict = "no model FLOPs";
    return;
  }
  if (peak <= 0) {  // the engine refuses such a precision, so only hand-made profiles get here
    l.verdict = "no " + l.precision + " peak on this CPU";
    return;
  }
  // Overhead-bound: the ideal time on the roof is under a fifth of the measured time and the
  // layer is short (< 50 us), so fixed costs (dispatch, reorders, synchronisation) dominate.
  const double ideal_ms = l.flops / (l.roof_gflops * 1e9) * 1e3;
  if (ideal_ms < 0.2 * l.time_ms && l.time_ms < 0.05)
    l.verdict = "overhead-bound";
  else
    l.verdict = l.intensity * bw < peak ? "memory-bound" : "compute-bound";
}

}  // namespace

std::vector<RooflineLayer> roofline_layers(const ModelStats& stats,
                                           const std::vector<LayerProfile>& profile,
                                           const Ceilings& c, int threads) {
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < stats.nodes.size(); ++i) index[stats.nodes[i].name] = i;
  double total_ms = 0;
  for (const auto& p : profile) total_ms += p.count ? p.time_ms / double(p.count) : 0;
  std::vector<RooflineLayer> out;
  for (const auto& p : profile) {
    RooflineLayer l;
    l.name = p.name;
    l.op_type = p.op_type;
    l.implementation = p.implementation;
    l.precision = p.precision;
    l.time_ms = p.count ? p.time_ms / double(p.count) : 0;
    l.time_share = total_ms > 0 ? l.time_ms / total_ms : 0;
    l.winograd = p.implementation.find("wino") != std::string::npos;
    std::vector<std::size_t> ids;
    for (const auto& n : p.fused_from)
      if (index.count(n)) ids.push_back(index[n]);
    if (index.count(p.name) && std::find(ids.begin(), ids.end(), index[p.name]) == ids.end())
      ids.push_back(index[p.name]);
    std::sort(ids.begin(), ids.end());
    // Minimum traffic: the chain's first input, every weight and every extra input (such as a
    // fused residual Add's second operand) read once, the last output written once.
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const NodeStats& n = stats.nodes[ids[k]];
      l.nodes.push_back(n.name);
      l.flops += 2.0 * static_cast<double>(n.macs);
      l.bytes += static_cast<double>(n.weight_bytes);
      if (k == 0)
        l.bytes += static_cast<double>(n.input_bytes);
      else
        l.bytes +=
            std::max(0.0, double(n.input_bytes) - double(stats.nodes[ids[k - 1]].output_bytes));
      if (k + 1 == ids.size()) l.bytes += static_cast<double>(n.output_bytes);
    }
    if (l.precision == "bf16") l.bytes /= 2;  // the model's f32 tensors, held as bf16
    place(l, c, threads, c.compute_peak(l.precision));
    out.push_back(l);
  }
  return out;
}

RooflineLayer roofline_network(const std::vector<RooflineLayer>& layers, const Ceilings& c,
                               int threads, std::int64_t weight_bytes) {
  RooflineLayer n;
  n.name = "network";
  n.op_type = "network";
  double act_bytes = 0, ideal_core_s = 0;  // seconds on one core, every layer at its peak
  std::map<std::string, double> flops_by_precision;
  for (const auto& l : layers) {
    n.time_ms += l.time_ms;
    n.flops += l.flops;
    act_bytes += l.bytes;
    flops_by_precision[l.precision] += l.flops;
    const double peak = c.compute_peak(l.precision);
    if (peak > 0) ideal_core_s += l.flops / (peak * 1e9);
  }
  // Named by the precision of most FLOPs; the mix shows in the per-layer rows.
  const auto most =
      std::max_element(flops_by_precision.begin(), flops_by_precision.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; });
  if (most != flops_by_precision.end()) n.precision = most->first;
  // Layer by layer each layer moves at least its own traffic; never less than the weights.
  n.bytes = std::max(act_bytes, static_cast<double>(weight_bytes));
  n.time_share = 1;
  place(n, c, threads, ideal_core_s > 0 ? n.flops / ideal_core_s / 1e9 : c.fp32_core_gflops);
  return n;
}

}  // namespace inferlab
