#include "inferlab/lab/core_set.h"

#include <hwloc.h>
#include <sched.h>

#include <memory>

#include "ir/error.h"
#include "runtime/stream_pool.h"

namespace inferlab::bench {
namespace {

// Each allowed physical core's first allowed PU, in topology order.
std::vector<int> core_pus() {
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0) fail("hwloc: cannot initialise the topology");
  std::unique_ptr<hwloc_topology, void (*)(hwloc_topology_t)> guard(topo, hwloc_topology_destroy);
  if (hwloc_topology_load(topo) != 0) fail("hwloc: cannot load the topology");
  const std::vector<int> allowed = available_cpus();
  std::vector<int> pus;
  const int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  for (int i = 0; i < n; ++i) {
    hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, i);
    for (int pu : allowed) {
      if (hwloc_bitmap_isset(core->cpuset, static_cast<unsigned>(pu))) {
        pus.push_back(pu);
        break;
      }
    }
  }
  return pus.empty() ? allowed : pus;  // no core objects (some VMs): one per logical CPU
}

void set_mask(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  if (sched_setaffinity(0, sizeof(set), &set) != 0) fail("cannot restrict the process to cores");
}

}  // namespace

int available_physical_cores() {
  return static_cast<int>(core_pus().size());
}

int available_cpu_count() {
  return static_cast<int>(available_cpus().size());
}

std::vector<int> first_cores(int k) {
  const std::vector<int> pus = core_pus();
  if (k < 1) fail("core count must be at least 1 (got {})", k);
  if (k > static_cast<int>(pus.size()))
    fail("{} cores asked, this machine offers {} physical core(s) to this process", k, pus.size());
  return {pus.begin(), pus.begin() + k};
}

ScopedCpuMask::ScopedCpuMask(const std::vector<int>& cpus) : saved_(available_cpus()) {
  set_mask(cpus);
}

ScopedCpuMask::~ScopedCpuMask() {
  try {
    set_mask(saved_);
  } catch (...) {  // a destructor must not throw; the mask only narrows measurements
  }
}

}  // namespace inferlab::bench
