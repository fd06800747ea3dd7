#pragma once
// Runs `produce(i)` for i = 0..count-1 on a pool of worker threads, at most `depth` items ahead of
// the consumer, and hands the results back in order. Decoding and preprocessing happen here, so
// that the consumer's inference loop (and any timed region in it) never includes them.
// `produce` must not throw: it reports failures inside T.
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace inferlab::data {

template <typename T>
class Prefetcher {
 public:
  Prefetcher(std::size_t count, std::function<T(std::size_t)> produce, int threads,
             std::size_t depth)
      : count_(count), produce_(std::move(produce)), depth_(std::max<std::size_t>(depth, 1)) {
    const int n = std::max(1, threads);
    for (int t = 0; t < n; ++t) workers_.emplace_back([this] { work(); });
  }
  ~Prefetcher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  bool done() const { return consumed_ >= count_; }
  // The next item in order; blocks until a worker has produced it.
  T next() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return ready_.count(consumed_) != 0; });
    T item = std::move(ready_.at(consumed_));
    ready_.erase(consumed_);
    ++consumed_;
    cv_.notify_all();
    return item;
  }

 private:
  void work() {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || (issued_ < count_ && issued_ < consumed_ + depth_); });
        if (stop_) return;
        i = issued_++;
      }
      T item = produce_(i);
      {
        std::lock_guard lock(mu_);
        ready_.emplace(i, std::move(item));
      }
      cv_.notify_all();
    }
  }

  const std::size_t count_;
  std::function<T(std::size_t)> produce_;
  const std::size_t depth_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::size_t, T> ready_;
  std::size_t issued_ = 0, consumed_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace inferlab::data
