#pragma once
// Streams, as in OpenVINO's CPU plugin: each stream is one worker thread that executes one
// inference at a time with its own thread team. Work is queued to the stream with the
// shortest queue. How a stream binds to cores (pinning, OpenMP team size) is decided by
// StreamConfig and applied once in the worker thread when it starts.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace inferlab {

struct StreamConfig {
  int streams = 1;
  int threads_per_stream = 1;
  bool pin = true;
  std::vector<std::vector<int>> cores;  // per stream, the logical CPUs it owns (may be empty)
};

// Splits the CPUs this process may use into `streams` disjoint sets of `threads` CPUs, one per
// physical core first. Throws Error when there are not enough CPUs.
StreamConfig plan_streams(int streams, int threads_per_stream, bool pin);
// CPUs in this process's affinity mask.
std::vector<int> available_cpus();

// Where the calling thread's OpenMP team runs: one entry per team member (by thread number),
// the CPU it is on (sched_getcpu) in an OpenMP parallel region of the default team size.
// Used by tests to check that a stream's team has its size and stays on its cores.
struct TeamMember {
  int thread = 0, team_size = 0, cpu = -1;
};
std::vector<TeamMember> omp_team_placement();

class StreamPool {
 public:
  explicit StreamPool(StreamConfig config);
  ~StreamPool();
  StreamPool(const StreamPool&) = delete;
  StreamPool& operator=(const StreamPool&) = delete;

  // Queues `task` on the least loaded stream; the task receives the stream index.
  void submit(std::function<void(int stream)> task);
  const StreamConfig& config() const { return config_; }

 private:
  struct Stream {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void(int)>> queue;
    int pending = 0;
    bool stop = false;
    std::thread worker;
  };
  void work(int index);

  StreamConfig config_;
  std::vector<std::unique_ptr<Stream>> streams_;
};

}  // namespace inferlab
