#include "inferlab/lab/roofline_json.h"

namespace inferlab {

nlohmann::json to_json(const Ceilings& c) {
  nlohmann::json sweep = nlohmann::json::array(), plateaus = nlohmann::json::array();
  for (const auto& p : c.sweep)
    sweep.push_back({{"working_set_bytes", p.working_set_bytes},
                     {"read_gbs", p.read_gbs},
                     {"read_write_gbs", p.read_write_gbs}});
  for (const auto& p : c.plateaus)
    plateaus.push_back({{"level", p.level},
                        {"from_bytes", p.from_bytes},
                        {"to_bytes", p.to_bytes},
                        {"read_gbs", p.read_gbs},
                        {"read_write_gbs", p.read_write_gbs},
                        {"points", p.points}});
  return {
      {"fp32_core_gflops", c.fp32_core_gflops},
      {"fp32_all_gflops", c.fp32_all_gflops},
      {"bf16_core_gflops", c.bf16_core_gflops},
      {"bf16_all_gflops", c.bf16_all_gflops},
      {"int8_core_gops", c.int8_core_gops},
      {"int8_all_gops", c.int8_all_gops},
      {"cores", c.cores},
      {"caches", {{"l1d", c.caches.l1d}, {"l2", c.caches.l2}, {"l3", c.caches.l3}}},
      {"bandwidth_gbs", {{"L1", c.bw_l1}, {"L2", c.bw_l2}, {"L3", c.bw_l3}, {"DRAM", c.bw_dram}}},
      {"sweep", sweep},
      {"plateaus", plateaus}};
}

nlohmann::json to_json(const RooflineLayer& l) {
  return {{"name", l.name},
          {"op_type", l.op_type},
          {"implementation", l.implementation},
          {"precision", l.precision},
          {"nodes", l.nodes},
          {"time_ms", l.time_ms},
          {"time_share", l.time_share},
          {"flops", l.flops},
          {"bytes", l.bytes},
          {"intensity", l.intensity},
          {"attained_gflops", l.attained_gflops},
          {"level", l.level},
          {"roof_gflops", l.roof_gflops},
          {"percent_of_roof", l.percent_of_roof},
          {"winograd", l.winograd},
          {"verdict", l.verdict}};
}

}  // namespace inferlab
