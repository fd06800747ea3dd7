#pragma once
// Memory bandwidth ceilings measured in the manner of the Empirical Roofline Toolkit and
// likwid-bench: a streaming kernel over a working set of growing size, timed until stable; the
// bandwidth falls in steps as the working set leaves L1, L2 and L3. Plateaus are found in the
// curve and labelled with the cache level whose capacity holds their working sets.
#include <cstdint>
#include <string>
#include <vector>

namespace inferlab {

enum class StreamKernel {
  read,       // sum of every element (loads only)
  read_write  // a[i] = a[i] * s + c (one load and one store per element; both bytes counted)
};

struct BandwidthPoint {
  std::int64_t working_set_bytes = 0;
  double read_gbs = 0, read_write_gbs = 0;  // best of the repetitions, GB/s (1e9 bytes)
};

// Cache capacities this process sees, from hwloc (0 when unknown). L1d and L2 per core, L3 total.
struct CacheSizes {
  std::int64_t l1d = 0, l2 = 0, l3 = 0;
};
CacheSizes cache_sizes();

// Working sets from `min_bytes` to `max_bytes`, `steps_per_octave` per doubling, one thread.
std::vector<BandwidthPoint> measure_bandwidth_sweep(std::int64_t min_bytes, std::int64_t max_bytes,
                                                    int steps_per_octave = 2,
                                                    double min_seconds = 0.02);

// A run of consecutive working sets whose read bandwidth stays within `tolerance` of the run's
// median, labelled "L1", "L2", "L3" or "DRAM" by where its largest working set fits.
struct Plateau {
  std::string level;
  std::int64_t from_bytes = 0, to_bytes = 0;
  double read_gbs = 0, read_write_gbs = 0;  // medians over the run
  int points = 0;
};
std::vector<Plateau> detect_plateaus(const std::vector<BandwidthPoint>& points,
                                     const CacheSizes& caches, double tolerance = 0.15);

// The level a working set of `bytes` fits in ("L1", "L2", "L3", "DRAM").
std::string fitting_level(std::int64_t bytes, const CacheSizes& caches);

}  // namespace inferlab
