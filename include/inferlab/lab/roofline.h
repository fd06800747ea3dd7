#pragma once
// The Roofline model of a network on this machine: measured ceilings (FP32 FMA, BF16 dot-product
// and INT8 VNNI peaks on one and on all cores, L1/L2/L3/DRAM bandwidth from a working-set sweep)
// and each profiled layer placed against them. FLOPs come from model_stats (2 FLOP per MAC), bytes
// from the minimum-traffic model documented in docs/lab.md. Verdict rules there too.
#include <functional>
#include <string>
#include <vector>

#include "inferlab/inferlab.h"
#include "inferlab/lab/bandwidth.h"
#include "inferlab/lab/model_stats.h"

namespace inferlab {

struct Ceilings {
  double fp32_core_gflops = 0;  // one core
  double fp32_all_gflops = 0;   // every core at once
  // Low-precision compute roofs (vdpbf16ps, vpdpbusd); 0 where the CPU lacks the instruction.
  double bf16_core_gflops = 0, bf16_all_gflops = 0;
  double int8_core_gops = 0, int8_all_gops = 0;
  int cores = 1;
  CacheSizes caches;
  std::vector<BandwidthPoint> sweep;
  std::vector<Plateau> plateaus;
  // Read bandwidth of one core at each level, GB/s: the sweep point nearest half the capacity
  // (L1, L2, L3) and the largest working set (DRAM).
  double bw_l1 = 0, bw_l2 = 0, bw_l3 = 0, bw_dram = 0;
  double bandwidth(const std::string& level) const;
  // One core's compute roof for a layer running in `precision` ("f32", "bf16", "i8"); 0 when
  // that precision has no measured peak on this CPU.
  double compute_peak(const std::string& precision) const;
};

// `one_core()` run at once by one thread pinned on each of the first `cores` cores, summed.
double all_core_peak(int cores, const std::function<double()>& one_core);
// Every ceiling; `quick` uses fewer sweep steps (tests).
Ceilings measure_ceilings(int cores, bool quick = false);

struct RooflineLayer {
  std::string name, op_type, implementation;
  std::string precision = "f32";   // what the layer computed in: its compute roof
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
// threads x one-core peak of the layer's precision; L1/L2 bandwidth scale with threads, L3/DRAM
// are one core's figure). A bf16 layer of an f32 model moves 2 bytes per element, not 4.
std::vector<RooflineLayer> roofline_layers(const ModelStats& stats,
                                           const std::vector<LayerProfile>& profile,
                                           const Ceilings& c, int threads);
// The whole network as one point: every layer's FLOPs and bytes over the total time; its
// compute roof is the FLOP-weighted harmonic mean of its layers' precision peaks (the rate at
// which the network would run were every layer at its own peak).
RooflineLayer roofline_network(const std::vector<RooflineLayer>& layers, const Ceilings& c,
                               int threads, std::int64_t weight_bytes);

}  // namespace inferlab
