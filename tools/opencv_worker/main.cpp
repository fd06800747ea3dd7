// OpenCV DNN peer worker for `inferlab bench/compare --backend opencv`: reads the model with
// cv::dnn::readNetFromONNX and speaks inferlab's line-delimited JSON protocol on stdin/stdout
// (docs/bench.md). Load plans run through inferlab's own load generator in this process, so
// the clock rules are the same as for the native backend. Each stream is a thread with its own
// cv::dnn::Net; OpenCV's thread count is process-wide (cv::setNumThreads).
#include <sys/resource.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <thread>

#include "inferlab/lab/backend.h"
#include "inferlab/lab/loadgen.h"
#include "inferlab/lab/tensor_file.h"
#include "opencv_compat.h"

using nlohmann::json;
using namespace inferlab;

namespace {

cv::Mat to_mat(const Tensor& t) {
  const Tensor f = t.dtype() == DType::f32 ? t : t.cast(DType::f32);
  std::vector<int> dims(f.shape().begin(), f.shape().end());
  if (dims.empty()) dims.push_back(1);
  cv::Mat m(static_cast<int>(dims.size()), dims.data(), CV_32F);
  std::memcpy(m.data, f.raw(), f.nbytes());
  return m;
}

Tensor to_tensor(const cv::Mat& m) {
  cv::Mat f;
  m.convertTo(f, CV_32F);
  if (!f.isContinuous()) f = f.clone();
  Shape s;
  for (int i = 0; i < f.dims; ++i) s.push_back(f.size[i]);
  Tensor t(DType::f32, s);
  std::memcpy(t.raw(), f.data, t.nbytes());
  return t;
}

struct Stream {
  cv::dnn::Net net;
  std::thread thread;
};

class Worker : public bench::SystemUnderTest {
 public:
  ~Worker() override { stop(); }

  json load(const json& r) {
    const int cores = r.value("cores", 1);
    int streams = r.value("streams", 0);
    if (streams <= 0) streams = r.value("hint", "latency") == "throughput" ? cores : 1;
    if (!r.value("async", true)) streams = 1;
    threads_ = r.value("threads", 0);
    if (threads_ <= 0) threads_ = std::max(1, cores / streams);
    nireq_ = r.value("async", true) && r.value("nireq", 0) > 0 ? r.value("nireq", 0) : streams;
    if (r.value("precision", "f32") != "f32")
      throw std::runtime_error("precision " + r.value("precision", "") +
                               " is not available for opencv here (f32 only)");
    cv::setNumThreads(threads_ * streams);
    for (const auto& in : r.at("inputs")) input_names_.push_back(in.at("name"));
    const auto t0 = bench::Clock::now();
    int clips = 0;
    for (int i = 0; i < streams; ++i) {
      auto s = std::make_unique<Stream>();
      s->net = read_net(r, &clips);
      s->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      s->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
      streams_.push_back(std::move(s));
    }
    const double ms = std::chrono::duration<double, std::milli>(bench::Clock::now() - t0).count();
    output_names_ = streams_[0]->net.getUnconnectedOutLayersNames();
    for (std::size_t i = 0; i < streams_.size(); ++i)
      streams_[i]->thread = std::thread([this, i] { loop(i); });
    return {{"version", std::string("OpenCV DNN ") + CV_VERSION},
            {"compile_ms", ms},
            {"in_flight", nireq_},
            {"outputs", output_names_},
            {"settings",
             {{"streams", streams},
              {"threads_per_stream", threads_},
              {"cv_num_threads", cv::getNumThreads()},
              {"nireq", nireq_},
              {"dnn_backend", "DNN_BACKEND_OPENCV"},
              {"target", "CPU"},
              {"nodes_rewritten_for_opencv", clips},
              {"api", r.value("async", true) ? "async" : "sync"},
              {"pin", false}}}};
  }

  // OpenCV DNN's own readers: Caffe nets (.prototxt + .caffemodel) or ONNX (with Clip bounds
  // given as constant inputs rewritten to attributes, counted in `clips`).
  static cv::dnn::Net read_net(const json& r, int* clips) {
    const std::string model = r.at("model").get<std::string>();
    const std::string weights = r.value("weights", "");
    if (model.size() > 9 && model.compare(model.size() - 9, 9, ".prototxt") == 0) {
      if (weights.empty()) throw std::runtime_error(model + ": no .caffemodel weights given");
      return cv::dnn::readNetFromCaffe(model, weights);
    }
    const std::vector<std::uint8_t> onnx = opencv_worker::opencv_compatible_model(model, clips);
    return cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(onnx.data()), onnx.size());
  }

  json samples(const json& r) {
    samples_.clear();
    for (const auto& one : r.at("files")) {
      std::vector<cv::Mat> row;
      for (const auto& n : input_names_) row.push_back(to_mat(read_tensor_file(one.at(n))));
      samples_.push_back(std::move(row));
    }
    return json::object();
  }

  json infer(const json& r) {
    std::vector<cv::Mat> in;
    for (const auto& n : input_names_) in.push_back(to_mat(read_tensor_file(r.at("inputs").at(n))));
    std::vector<cv::Mat> outs;
    forward(*streams_[0], in, &outs);  // between measurements: the stream threads are idle
    json files = json::object();
    for (std::size_t i = 0; i < outs.size(); ++i) {
      const std::string f =
          r.at("output_dir").get<std::string>() + "/out" + std::to_string(i) + ".npy";
      write_tensor_npy(f, to_tensor(outs[i]));
      files[output_names_[i]] = f;
    }
    return {{"outputs", files}};
  }

  int max_in_flight() const override { return nireq_; }
  void issue(std::uint64_t tag, std::int64_t sample) override {
    std::lock_guard l(mu_);
    queue_.push_back({tag, sample});
    cv_.notify_one();
  }

 private:
  void forward(Stream& s, const std::vector<cv::Mat>& in, std::vector<cv::Mat>* outs) {
    for (std::size_t i = 0; i < in.size(); ++i) s.net.setInput(in[i], input_names_[i]);
    std::vector<cv::Mat> tmp;
    s.net.forward(outs ? *outs : tmp, output_names_);
  }

  void loop(std::size_t index) {
    Stream& s = *streams_[index];
    for (;;) {
      std::pair<std::uint64_t, std::int64_t> job;
      {
        std::unique_lock l(mu_);
        cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = queue_.front();
        queue_.pop_front();
      }
      std::string error;
      try {
        forward(s, samples_.at(static_cast<std::size_t>(job.second)), nullptr);
      } catch (const std::exception& e) {
        error = e.what();
      }
      sink_->complete(job.first, error.empty() ? nullptr : error.c_str());
    }
  }

  void stop() {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& s : streams_)
      if (s->thread.joinable()) s->thread.join();
  }

  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<std::string> input_names_, output_names_;
  std::vector<std::vector<cv::Mat>> samples_;
  int threads_ = 1, nireq_ = 1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::uint64_t, std::int64_t>> queue_;
  bool stop_ = false;
};

}  // namespace

int main() {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  Worker w;
  std::string line;
  while (std::getline(std::cin, line)) {
    json reply;
    try {
      const json r = json::parse(line);
      const std::string cmd = r.at("cmd");
      if (cmd == "load")
        reply = w.load(r);
      else if (cmd == "samples")
        reply = w.samples(r);
      else if (cmd == "measure")
        reply = {{"record", bench::to_json(
                                bench::execute_plan(w, bench::load_plan_from_json(r.at("plan"))))}};
      else if (cmd == "infer")
        reply = w.infer(r);
      else if (cmd == "stats") {
        reply = {{"peak_rss_mb", backends::self_peak_rss_mb()}};
      } else
        throw std::runtime_error("unknown command '" + cmd + "'");
      reply["ok"] = true;
    } catch (const std::exception& e) {
      reply = {{"ok", false}, {"error", e.what()}};
    }
    std::cout << reply.dump() << std::endl;
  }
  return 0;
}
