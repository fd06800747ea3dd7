// The native backend: inferlab's own engine through the public API. Asynchronous mode keeps
// `nireq` infer requests over the compiled model's streams; synchronous mode uses one request.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include "backends/backend_impl.h"
#include "runtime/model_graph.h"
#include "runtime/program.h"

namespace inferlab::backends {
namespace {

class NativeSut : public bench::SystemUnderTest {
 public:
  NativeSut(std::vector<InferRequest>& reqs, const std::vector<std::vector<Tensor>>& samples,
            const std::vector<PortInfo>& ports)
      : reqs_(reqs), samples_(samples), ports_(ports) {
    for (std::size_t i = 0; i < reqs_.size(); ++i) {
      free_.push_back(i);
      reqs_[i].set_callback([this, i](std::exception_ptr e) { done(i, e); });
    }
    tags_.resize(reqs_.size());
  }
  ~NativeSut() override {
    // The load generator returns once it has seen every completion, but a stream thread may
    // still be inside done() after its complete() call: wait until none is, so that this
    // object (on the caller's stack) outlives every use of it.
    std::unique_lock lock(mu_);
    idle_.wait(lock, [&] { return in_done_ == 0; });
    lock.unlock();
    for (auto& r : reqs_) r.set_callback({});
  }
  int max_in_flight() const override { return static_cast<int>(reqs_.size()); }

  void issue(std::uint64_t tag, std::int64_t sample) override {
    std::size_t r;
    {
      std::lock_guard lock(mu_);
      if (free_.empty()) {  // all requests busy: queue, started when one completes
        pending_.push_back({tag, sample});
        return;
      }
      r = free_.back();
      free_.pop_back();
    }
    start(r, tag, sample);
  }

 private:
  void start(std::size_t r, std::uint64_t tag, std::int64_t sample) {
    const auto& in = samples_[static_cast<std::size_t>(sample)];
    for (std::size_t i = 0; i < ports_.size(); ++i) reqs_[r].set_tensor(ports_[i].name, in[i]);
    tags_[r] = tag;
    reqs_[r].start();
  }

  void done(std::size_t r, const std::exception_ptr& e) {
    {
      std::lock_guard lock(mu_);
      ++in_done_;
    }
    const std::uint64_t tag = tags_[r];
    std::string error;
    try {
      if (e) std::rethrow_exception(e);
    } catch (const std::exception& x) {
      error = x.what();
    }
    std::pair<std::uint64_t, std::int64_t> next{0, -1};
    {
      std::lock_guard lock(mu_);
      if (!pending_.empty()) {
        next = pending_.front();
        pending_.pop_front();
      } else {
        free_.push_back(r);
      }
    }
    sink_->complete(tag, error.empty() ? nullptr : error.c_str());
    if (next.second >= 0) start(r, next.first, next.second);
    std::lock_guard lock(mu_);
    if (--in_done_ == 0) idle_.notify_all();
  }

  std::vector<InferRequest>& reqs_;
  const std::vector<std::vector<Tensor>>& samples_;
  const std::vector<PortInfo>& ports_;
  std::mutex mu_;
  std::condition_variable idle_;
  int in_done_ = 0;  // stream threads inside done()
  std::vector<std::size_t> free_;
  std::deque<std::pair<std::uint64_t, std::int64_t>> pending_;
  std::vector<std::uint64_t> tags_;
};

// The model as read, or quantized in memory for --precision i8 with calibration data. A sweep
// opens the backend once per configuration: the quantized graph is kept per model and request
// so that calibration runs once per process (it is deterministic for equal inputs).
Model model_to_compile(const BackendOptions& o, std::string* summary) {
  auto model = Core().read_model(o.model, o.weights);
  const data::CalibrationRequest& c = o.calibration;
  if (c.dir.empty() || o.precision != Precision::i8) return model;
  static std::mutex mu;
  static std::map<std::string, std::pair<Model, std::string>> cache;
  const std::string key = fmt::format("{}|{}|{}|{}|{}|{}", o.model, o.weights, c.dir, c.preset,
                                      c.preprocess, c.samples);
  std::lock_guard lock(mu);
  auto it = cache.find(key);
  if (it == cache.end()) {
    std::string s;
    auto q = data::quantize_for_precision(*model_graph(model), o.precision, c, &s);
    it = cache.emplace(key, std::make_pair(wrap_graph(q), s)).first;
  }
  *summary = it->second.second;
  return it->second.first;
}

class NativeBackend : public Backend {
 public:
  explicit NativeBackend(const BackendOptions& o) {
    CompileOptions co;
    co.batch = o.batch;
    co.shapes = o.shapes;
    co.engine = o.engine;
    co.conv_algo = o.conv_algo;
    co.hint = o.hint;
    co.streams = o.streams;
    co.threads_per_stream = o.threads;
    co.pin = o.pin;
    co.precision = o.precision;
    co.perf_counters = o.perf_counters;
    std::string quantized;
    cm_ = Core().compile_model(model_to_compile(o, &quantized), co);
    int nireq = o.nireq > 0 ? o.nireq : cm_.streams();
    if (!o.async) nireq = 1;
    for (int i = 0; i < nireq; ++i) reqs_.push_back(cm_.create_infer_request());
    info_.name = "native";
    info_.version =
        std::string("inferlab ") + INFERLAB_VERSION_STRING + " (" + engine_name(o.engine) + ")";
    info_.compile_ms = cm_.compile_ms();
    info_.notes = cm_.notes();
    if (!quantized.empty()) info_.notes.insert(info_.notes.begin(), quantized);
    info_.in_flight = nireq;
    info_.inputs = cm_.inputs();
    info_.outputs = cm_.outputs();
    info_.settings = {{"engine", engine_name(o.engine)},
                      {"conv_algo", conv_algo_name(o.conv_algo)},
                      {"streams", cm_.streams()},
                      {"threads_per_stream", cm_.threads_per_stream()},
                      {"nireq", nireq},
                      {"api", o.async ? "async" : "sync"},
                      {"pin", cm_.options().pin},
                      {"hint", o.hint == PerformanceHint::latency ? "latency" : "throughput"},
                      {"precision", precision_name(o.precision)},
                      {"precision_layers", cm_.precision_summary()}};
    if (!quantized.empty())  // results say the i8 model was made here, and from what
      info_.settings["calibration"] = {{"dir", o.calibration.dir},
                                       {"preset", o.calibration.preset},
                                       {"preprocess", o.calibration.preprocess},
                                       {"samples", o.calibration.samples}};
  }

  const BackendInfo& info() const override { return info_; }

  void set_samples(const std::vector<TensorMap>& samples) override {
    samples_ = ordered_samples(samples, info_.inputs);
  }

  bench::RunRecord measure(const bench::LoadPlan& plan,
                           const bench::ProgressFn& progress) override {
    if (samples_.empty()) fail("native backend: no samples set");
    NativeSut sut(reqs_, samples_, info_.inputs);
    return bench::execute_plan(sut, plan, progress);
  }

  TensorMap infer(const TensorMap& inputs) override {
    InferRequest& r = reqs_.front();
    for (const auto& p : info_.inputs) {
      auto it = inputs.find(p.name);
      if (it == inputs.end()) fail("native backend: input '{}' not given", p.name);
      r.set_tensor(p.name, it->second);
    }
    r.infer();
    TensorMap out;
    for (const auto& p : info_.outputs) out[p.name] = r.get_tensor(p.name).clone();
    return out;
  }

  std::vector<LayerProfile> layer_profile() override {
    // Sum the counters of every request, per node.
    std::vector<LayerProfile> total;
    std::map<std::string, std::size_t> index;
    for (const auto& r : reqs_) {
      for (const auto& l : r.profile()) {
        auto [it, added] = index.emplace(l.name, total.size());
        if (added) {
          total.push_back(l);
        } else {
          total[it->second].time_ms += l.time_ms;
          total[it->second].count += l.count;
        }
      }
    }
    return total;
  }

  double peak_rss_mb() override { return self_peak_rss_mb(); }

 private:
  CompiledModel cm_;
  std::vector<InferRequest> reqs_;
  std::vector<std::vector<Tensor>> samples_;
  BackendInfo info_;
};

}  // namespace

std::unique_ptr<Backend> open_native_backend(const BackendOptions& o) {
  return std::make_unique<NativeBackend>(o);
}

bool native_engine_available(Engine e) {
  return find_engine(engine_name(e)) != nullptr;
}

}  // namespace inferlab::backends
