// Arena planning: greedy by size (largest first), each slot placed at the lowest 64-byte
// aligned offset that does not overlap a placed slot whose lifetime intersects its own.
#include <algorithm>
#include <numeric>

#include "runtime/optimized_plan.h"

namespace inferlab::opt {

std::size_t plan_arena(std::vector<Slot>& slots) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < slots.size(); ++i)
    if (slots[i].kind == Slot::Kind::arena && slots[i].alias_of < 0) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return slots[a].bytes > slots[b].bytes; });
  auto align = [](std::size_t v) { return (v + 63) / 64 * 64; };
  std::vector<std::size_t> placed;
  std::size_t total = 0;
  for (std::size_t i : order) {
    Slot& s = slots[i];
    std::vector<std::pair<std::size_t, std::size_t>> busy;  // [begin, end) in the arena
    for (std::size_t j : placed) {
      const Slot& o = slots[j];
      if (o.def <= s.last && s.def <= o.last) busy.emplace_back(o.offset, o.offset + o.bytes);
    }
    std::sort(busy.begin(), busy.end());
    std::size_t off = 0;
    for (const auto& [b, e] : busy) {
      if (off + s.bytes <= b) break;
      off = std::max(off, align(e));
    }
    s.offset = off;
    total = std::max(total, align(off + s.bytes));
    placed.push_back(i);
  }
  for (Slot& s : slots)
    if (s.alias_of >= 0) s.offset = slots[s.alias_of].offset;
  return total;
}

}  // namespace inferlab::opt
