#pragma once
// Restricting this process to the first k physical cores (hwloc), so that a measurement, every
// stream the backend creates and every peer worker it spawns (they inherit the mask) runs there.
#include <vector>

namespace inferlab::bench {

// One logical CPU of each of the first `k` physical cores the process may use, in hwloc's
// order. Throws Error when `k` exceeds the cores available (naming both).
std::vector<int> first_cores(int k);
// Physical cores this process may use.
int available_physical_cores();
// Logical CPUs this process may use (its affinity mask): what streams x threads must fit in.
int available_cpu_count();

// Sets the calling thread's CPU mask to `cpus` for its lifetime, restoring the old mask after.
class ScopedCpuMask {
 public:
  explicit ScopedCpuMask(const std::vector<int>& cpus);
  ~ScopedCpuMask();
  ScopedCpuMask(const ScopedCpuMask&) = delete;
  ScopedCpuMask& operator=(const ScopedCpuMask&) = delete;

 private:
  std::vector<int> saved_;
};

}  // namespace inferlab::bench
