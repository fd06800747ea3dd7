// Linked into every fuzz target. Allocations over 1 GiB fail (std::bad_alloc, which the engine
// reports as an Error) instead of ending the run as an out-of-memory "crash": a huge but
// well-formed model is not a bug.
extern "C" __attribute__((used)) const char* __asan_default_options() {
  return "allocator_may_return_null=1:max_allocation_size_mb=1024:detect_leaks=1";
}
