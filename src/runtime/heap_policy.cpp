// glibc raises its mmap threshold each time a mapped block is freed (up to 32 MiB), so after a
// model's import and compilation freed their temporary weight copies (protobuf bytes,
// BatchNorm-folded weights reordered into oneDNN layouts), later blocks of several MiB come from
// the heap and freed ones stay there, resident, unusable by anything smaller. ResNet-50 at batch
// 1 peaked at 309 MB with the dynamic threshold and 267 MB with a fixed 1 MiB one (VmHWM,
// docs/engine.md): a fixed threshold returns every large block to the system when it is freed.
// Blocks that size are rare on the inference path (the optimized runner allocates nothing),
// so the cost of mapping them is paid at compile time only.
#include "runtime/heap_policy.h"

#include <malloc.h>

#include <cstdlib>

namespace inferlab {

void limit_heap_retention() {
  static const bool done = [] {
    if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 1 << 20);
    return true;
  }();
  (void)done;
}

}  // namespace inferlab
