#pragma once
// The Roofline model of a network on this machine: measured ceilings (FP32 FMA peak on one and
// on all cores, L1/L2/L3/DRAM bandwidth from a working-set sweep) and each profiled layer placed
// against them. FLOPs come from model_stats (2 FLOP per MAC), bytes from the minimum-traffic
// model documented in docs/lab.md. Verdict rules there too.
#include <string>
#include <vector>

#include "analysis/bandwidth.h"
#include "analysis/model_stats.h"
#include "inferlab/inferlab.h"
#include "ir/error.h"
#include "ir/graph.h"

namespace inferlab {

struct Ceilings {
  double fp32_core_gflops = 0;  // one core
  double fp32_all_gflops = 0;   // every core at once
  int cores = 1;
  CacheSizes caches;
  std::vector<BandwidthPoint> sweep;
  std::vector<Plateau> plateaus;
  // Read bandwidth of one core at each level, GB/s: the sweep point nearest half the capacity
  // (L1, L2, L3) and the largest working set (DRAM).
  double bw_l1 = 0, bw_l2 = 0, bw_l3 = 0, bw_dram = 0;
  double bandwidth(const std::string& level) const;
};

// FP32 FMA peak with one thread pinned on each of the first `cores` cores, summed.
double all_core_fma_peak(int cores);
// Every ceiling; `quick` uses fewer sweep steps (tests).
Ceilings measure_ceilings(int cores, bool quick = false);

struct RooflineLayer {
  std::string name, op_type, implementation;
  std::vector<std::string> nodes;  // model nodes the layer covers (itself and fused ones)
  double time_ms = 0;              // average per inference
  double time_share = 0;           // of the profiled total
  double flops = 0, bytes = 0, intensity = 0;
  double attained_gflops = 0;
  std::string level;  // memory level the layer's working set fits in
  double roof_gflops = 0, percent_of_roof = 0;
  bool winograd = false;  // FLOPs are the direct algorithm's
  std::string verdict;    // compute-bound, memory-bound, overhead-bound, no model FLOPs
};

// Places each profiled layer; `threads` is the team that ran one inference (compute roof =
// threads x one-core peak; L1/L2 bandwidth scale with threads, L3/DRAM are one core's figure).
std::vector<RooflineLayer> roofline_layers(const ModelStats& stats,
                                           const std::vector<LayerProfile>& profile,
                                           const Ceilings& c, int threads);
// The whole network as one point: every layer's FLOPs and bytes over the total time.
RooflineLayer roofline_network(const std::vector<RooflineLayer>& layers, const Ceilings& c,
                               int threads, std::int64_t weight_bytes);

}  // namespace inferlab
