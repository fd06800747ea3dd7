#pragma once
// `inferlab bench MODEL --distributed` under mpirun: the offline scenario over every rank.
#include "bench_options.h"

namespace inferlab::cli {

void run_distributed_bench(BenchArgs& a);

}  // namespace inferlab::cli
