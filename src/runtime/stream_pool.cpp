#include "runtime/stream_pool.h"

#include <omp.h>
#include <pthread.h>
#include <sched.h>

#include <memory>

#include "ir/error.h"

namespace inferlab {

std::vector<int> available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
  }
  if (cpus.empty()) {
    for (unsigned c = 0; c < std::max(1u, std::thread::hardware_concurrency()); ++c)
      cpus.push_back(static_cast<int>(c));
  }
  return cpus;
}

std::vector<TeamMember> omp_team_placement() {
  std::vector<TeamMember> team(static_cast<std::size_t>(omp_get_max_threads()));
#pragma omp parallel
  {
    const int t = omp_get_thread_num();
    if (t < static_cast<int>(team.size())) team[t] = {t, omp_get_num_threads(), sched_getcpu()};
  }
  return team;
}

StreamConfig plan_streams(int streams, int threads_per_stream, bool pin) {
  if (streams < 1) fail("number of streams must be at least 1 (got {})", streams);
  if (threads_per_stream < 1)
    fail("threads per stream must be at least 1 (got {})", threads_per_stream);
  StreamConfig cfg{streams, threads_per_stream, pin, {}};
  const std::vector<int> cpus = available_cpus();
  if (pin) {
    if (static_cast<std::size_t>(streams) * threads_per_stream > cpus.size()) {
      fail("{} streams x {} threads need {} CPUs, only {} are available", streams,
           threads_per_stream, streams * threads_per_stream, cpus.size());
    }
    for (int s = 0; s < streams; ++s) {
      cfg.cores.emplace_back(cpus.begin() + s * threads_per_stream,
                             cpus.begin() + (s + 1) * threads_per_stream);
    }
  } else {
    cfg.cores.assign(streams, {});
  }
  return cfg;
}

StreamPool::StreamPool(StreamConfig config) : config_(std::move(config)) {
  for (int i = 0; i < config_.streams; ++i) {
    streams_.push_back(std::make_unique<Stream>());
  }
  for (int i = 0; i < config_.streams; ++i) {
    streams_[i]->worker = std::thread([this, i] { work(i); });
  }
}

StreamPool::~StreamPool() {
  for (auto& s : streams_) {
    std::lock_guard lock(s->mu);
    s->stop = true;
    s->cv.notify_all();
  }
  for (auto& s : streams_) s->worker.join();
}

void StreamPool::submit(std::function<void(int)> task) {
  Stream* best = nullptr;
  int best_pending = 0;
  for (auto& s : streams_) {
    std::lock_guard lock(s->mu);
    if (!best || s->pending < best_pending) {
      best = s.get();
      best_pending = s->pending;
    }
  }
  std::lock_guard lock(best->mu);
  best->queue.push_back(std::move(task));
  ++best->pending;
  best->cv.notify_one();
}

void StreamPool::work(int index) {
  const auto& cores = config_.cores[index];
  if (config_.pin && !cores.empty()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : cores) CPU_SET(c, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  }
  // Each stream thread gets its own OpenMP team of this size (libgomp keeps one thread pool per
  // thread that opens parallel regions, so oneDNN's regions on this stream reuse this team);
  // threads it spawns inherit the stream's affinity mask, so concurrent streams never share
  // cores. Each team member is then pinned to one core of the set, so threads do not migrate
  // within the set either (better cache reuse between layers).
  omp_set_num_threads(config_.threads_per_stream);
  if (config_.pin && !cores.empty()) {
#pragma omp parallel
    {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cores[static_cast<std::size_t>(omp_get_thread_num()) % cores.size()], &one);
      pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
    }
  }
  Stream& s = *streams_[index];
  for (;;) {
    std::function<void(int)> task;
    {
      std::unique_lock lock(s.mu);
      s.cv.wait(lock, [&] { return s.stop || !s.queue.empty(); });
      if (s.queue.empty()) return;
      task = std::move(s.queue.front());
      s.queue.pop_front();
    }
    task(index);
    std::lock_guard lock(s.mu);
    --s.pending;
  }
}

}  // namespace inferlab
