#include <gtest/gtest.h>

#include "inferlab/lab/core_set.h"
#include "inferlab/lab/roofline.h"
#include "ir/error.h"

using namespace inferlab;

namespace {

CacheSizes caches() {
  return {48 << 10, 1 << 20, 32 << 20};
}

}  // namespace

TEST(Bandwidth, PlateausAreFoundAndLabelled) {
  // A staircase: 400 GB/s in L1, 150 in L2, 60 in L3, 20 in DRAM, one transition point each.
  std::vector<BandwidthPoint> pts;
  for (std::int64_t b = 16 << 10; b <= (256 << 20); b *= 2) {
    double bw = b <= (32 << 10) ? 400 : b <= (512 << 10) ? 150 : b <= (16 << 20) ? 60 : 20;
    if (b == (64 << 10)) bw = 250;  // transition
    pts.push_back({b, bw, bw / 2});
  }
  const auto pl = detect_plateaus(pts, caches());
  ASSERT_EQ(pl.size(), 4u);
  EXPECT_EQ(pl[0].level, "L1");
  EXPECT_EQ(pl[1].level, "L2");
  EXPECT_EQ(pl[2].level, "L3");
  EXPECT_EQ(pl[3].level, "DRAM");
  EXPECT_DOUBLE_EQ(pl[1].read_gbs, 150);
  EXPECT_EQ(fitting_level(40 << 10, caches()), "L1");
  EXPECT_EQ(fitting_level(2 << 20, caches()), "L3");
  EXPECT_EQ(fitting_level(64 << 20, caches()), "DRAM");
}

TEST(Bandwidth, SweepMeasuresSomething) {
  const auto pts = measure_bandwidth_sweep(16 << 10, 64 << 10, 1, 0.002);
  ASSERT_EQ(pts.size(), 3u);
  for (const auto& p : pts) {
    EXPECT_GT(p.read_gbs, 0);
    EXPECT_GT(p.read_write_gbs, 0);
  }
}

TEST(Roofline, LayersFromStatsAndProfile) {
  ModelStats s;
  s.nodes.push_back({"conv", "Conv", 1000000, 0, 40000, 100000, 200000});
  s.nodes.push_back({"relu", "Relu", 0, 0, 0, 200000, 200000});
  s.nodes.push_back({"add", "Add", 0, 0, 0, 400000, 200000});  // residual: 2nd input extra
  s.nodes.push_back({"pool", "MaxPool", 0, 0, 0, 200000, 50000});
  Ceilings c;
  c.fp32_core_gflops = 100;
  c.caches = caches();
  c.bw_l1 = 400, c.bw_l2 = 20, c.bw_l3 = 50, c.bw_dram = 10;
  std::vector<LayerProfile> prof{
      {"conv", "Conv", {"conv", "relu", "add"}, "jit_wino_4x3", "nChw16c", 2.0, 100},
      {"pool", "MaxPool", {}, "ref", "nchw", 0.1, 100},
      {"reorder_0", "Reorder", {}, "reorder", "", 0.1, 100}};
  const auto ls = roofline_layers(s, prof, c, 2);
  ASSERT_EQ(ls.size(), 3u);
  EXPECT_DOUBLE_EQ(ls[0].flops, 2e6);
  // 100000 input + 40000 weights + (400000 - 200000) residual operand + 200000 output.
  EXPECT_DOUBLE_EQ(ls[0].bytes, 540000);
  EXPECT_TRUE(ls[0].winograd);
  EXPECT_EQ(ls[0].level, "L2");
  EXPECT_NEAR(ls[0].time_ms, 0.02, 1e-12);
  EXPECT_NEAR(ls[0].attained_gflops, 100, 1e-9);
  // Roof: min(2 x 100, intensity 3.7 x L2 20 GB/s x 2 threads).
  EXPECT_NEAR(ls[0].roof_gflops, 2e6 / 540000 * 40, 1e-9);
  EXPECT_EQ(ls[0].verdict, "memory-bound");
  EXPECT_EQ(ls[2].verdict, "no model FLOPs");
  const auto net = roofline_network(ls, c, 2, 40000);
  EXPECT_DOUBLE_EQ(net.flops, 2e6);
  EXPECT_NEAR(net.time_ms, 0.022, 1e-12);
}

// A layer's compute roof is its precision's peak; the network's is the FLOP-weighted mix.
TEST(Roofline, PrecisionPicksTheComputeRoof) {
  ModelStats s;
  s.nodes.push_back({"c1", "Conv", 1000000, 0, 100, 100, 100});  // 2 MFLOP, tiny traffic
  s.nodes.push_back({"c2", "Conv", 1000000, 0, 100, 100, 100});
  Ceilings c;
  c.fp32_core_gflops = 100, c.bf16_core_gflops = 200, c.int8_core_gops = 400;
  c.caches = caches();
  c.bw_l1 = c.bw_l2 = c.bw_l3 = c.bw_dram = 1e6;  // compute-bound everywhere
  LayerProfile a{"c1", "Conv", {}, "brgconv", "", 1.0, 1};
  LayerProfile b{"c2", "Conv", {}, "brgconv", "", 1.0, 1};
  a.precision = "bf16";
  b.precision = "i8";
  const auto ls = roofline_layers(s, {a, b}, c, 1);
  ASSERT_EQ(ls.size(), 2u);
  EXPECT_EQ(ls[0].precision, "bf16");
  EXPECT_DOUBLE_EQ(ls[0].roof_gflops, 200);
  EXPECT_DOUBLE_EQ(ls[0].bytes, 150);  // f32 model tensors held as bf16
  EXPECT_DOUBLE_EQ(ls[1].roof_gflops, 400);
  EXPECT_EQ(ls[1].verdict, "compute-bound");
  // 4 MFLOP at 2 MFLOP / 200 + 2 MFLOP / 400 per second: 266.7 GFLOP/s.
  const auto net = roofline_network(ls, c, 1, 0);
  EXPECT_NEAR(net.roof_gflops, 4e6 / (2e6 / 200 + 2e6 / 400), 1e-6);
  c.int8_core_gops = 0;  // a CPU without VNNI has no i8 roof
  EXPECT_EQ(roofline_layers(s, {a, b}, c, 1)[1].verdict, "no i8 peak on this CPU");
}

TEST(CoreSet, FirstCoresAndTheLimit) {
  const int n = bench::available_physical_cores();
  ASSERT_GE(n, 1);
  EXPECT_EQ(bench::first_cores(1).size(), 1u);
  EXPECT_THROW(bench::first_cores(n + 1), Error);
  EXPECT_THROW(bench::first_cores(0), Error);
}
