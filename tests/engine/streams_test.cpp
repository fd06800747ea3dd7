// Streams and OpenMP teams: a probe operator, run by the optimized program as a reference node
// inside a stream, records the team size and the CPU of each team member. Each stream's team
// must have threads_per_stream members, each on its own core of the stream's set, and two
// concurrent streams must not share cores.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "engine_test_util.h"
#include "ops/registry.h"
#include "runtime/stream_pool.h"
#include "runtime/stream_rule.h"

namespace inferlab::test {
namespace {

constexpr std::int64_t kSlots = 16;

void probe_infer(const Node&, const std::vector<const Value*>& in, const std::vector<Value*>& out) {
  out[0]->dtype = DType::f32;
  out[0]->shape = {1, kSlots};
  out[0]->known = true;
  (void)in;
}

// out[0] = team size, out[1 + t] = CPU of team member t (-1 when absent).
void probe_run(const Node&, const std::vector<Tensor>&, std::vector<Tensor>& out) {
  float* y = out[0].data<float>();
  for (std::int64_t i = 0; i < kSlots; ++i) y[i] = -1;
  const auto team = omp_team_placement();
  y[0] = static_cast<float>(team.empty() ? 0 : team[0].team_size);
  for (std::size_t t = 0; t < team.size() && t + 1 < kSlots; ++t) y[t + 1] = team[t].cpu;
  // Keep the stream busy so a request started meanwhile goes to the other stream.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
}

INFERLAB_REGISTER_OP({"TestTeamProbe", probe_infer, probe_run, false});

std::shared_ptr<Graph> probe_graph() {
  GraphBuilder b;
  auto x = b.input("x", {1, 4});
  b.output(b.node("TestTeamProbe", "probe", {x}));
  return b.graph();
}

std::vector<int> team_of(const Tensor& t, int& size) {
  const float* y = t.data<float>();
  size = static_cast<int>(y[0]);
  std::vector<int> cpus;
  for (int i = 0; i < size; ++i) cpus.push_back(static_cast<int>(y[1 + i]));
  return cpus;
}

TEST(Streams, OneStreamTeamUsesAllRequestedCoresPinned) {
  const auto cpus = available_cpus();
  const int threads = static_cast<int>(std::min<std::size_t>(cpus.size(), 4));
  Core core;
  CompileOptions o;
  o.threads_per_stream = threads;
  const CompiledModel cm = core.compile_model(wrap_graph(probe_graph()), o);
  EXPECT_EQ(cm.streams(), 1);
  InferRequest r = cm.create_infer_request();
  for (int k = 0; k < 3; ++k) {
    r.infer();
    int size = 0;
    const auto team = team_of(r.get_tensor(cm.outputs()[0].name), size);
    EXPECT_EQ(size, threads);
    // Each member pinned to its own core: all distinct, all from the stream's first cores.
    const std::set<int> distinct(team.begin(), team.end());
    EXPECT_EQ(distinct.size(), team.size());
    for (int c : team) EXPECT_TRUE(std::count(cpus.begin(), cpus.begin() + threads, c)) << c;
  }
}

TEST(Streams, ConcurrentStreamsUseDisjointCores) {
  const auto cpus = available_cpus();
  if (cpus.size() < 2) GTEST_SKIP() << "needs 2 CPUs";
  const int streams = 2;
  const int threads = static_cast<int>(cpus.size()) / streams;
  Core core;
  CompileOptions o;
  o.hint = PerformanceHint::throughput;
  o.streams = streams;
  o.threads_per_stream = threads;
  const CompiledModel cm = core.compile_model(wrap_graph(probe_graph()), o);
  std::vector<InferRequest> reqs{cm.create_infer_request(), cm.create_infer_request()};
  // Which stream takes a request depends on timing (a request that finishes first frees its
  // stream), so the property checked is the placement itself: every team runs on exactly the
  // cores of one stream, and the core sets of different streams never overlap.
  std::set<std::set<int>> teams;
  for (int round = 0; round < 5; ++round) {
    for (auto& r : reqs) r.start();
    for (auto& r : reqs) {
      r.wait();
      int size = 0;
      const auto team = team_of(r.get_tensor(cm.outputs()[0].name), size);
      EXPECT_EQ(size, threads);
      teams.emplace(team.begin(), team.end());
    }
  }
  EXPECT_LE(teams.size(), static_cast<std::size_t>(streams));
  for (const auto& a : teams) {
    EXPECT_EQ(a.size(), static_cast<std::size_t>(threads));
    for (const auto& b : teams) {
      if (&a == &b) continue;
      for (int c : a) EXPECT_FALSE(b.count(c)) << "core " << c << " used by two streams";
    }
  }
}

TEST(Streams, ThroughputHintDefaults) {
  CompileOptions o;
  o.hint = PerformanceHint::throughput;
  EXPECT_EQ(default_streams(o, 2, 4.1e9), 2);    // ResNet-50 on 2 cores: one stream per core
  EXPECT_EQ(default_streams(o, 16, 4.1e9), 8);   // from 8 cores: one stream per core pair
  EXPECT_EQ(default_streams(o, 16, 0.3e9), 16);  // a small model: one single-thread stream per core
  o.threads_per_stream = 4;
  EXPECT_EQ(default_streams(o, 16, 4.1e9), 4);  // as many streams as fit
  o.streams = 3;
  EXPECT_EQ(default_streams(o, 16, 4.1e9), 3);  // explicit wins
  CompileOptions latency;
  EXPECT_EQ(default_streams(latency, 16, 4.1e9), 1);

  // And the compiled model applies it with every core busy.
  Core core;
  CompileOptions t;
  t.hint = PerformanceHint::throughput;
  const CompiledModel cm = core.compile_model(wrap_graph(probe_graph()), t);
  const int cpus = static_cast<int>(available_cpus().size());
  EXPECT_EQ(cm.streams(), default_streams(t, cpus, 0));
  EXPECT_EQ(cm.streams() * cm.threads_per_stream(), cpus);
}

}  // namespace
}  // namespace inferlab::test
