#pragma once
// How the process heap treats large blocks (weights, activation arenas): see heap_policy.cpp.

namespace inferlab {

// Once per process: blocks of 1 MiB and more are mapped on their own and unmapped when freed.
// Leaves an explicit MALLOC_MMAP_THRESHOLD_ setting alone.
void limit_heap_retention();

}  // namespace inferlab
