// Peer backends: each runs in a worker process (tools/ort_worker.js under node,
// inferlab-opencv-worker, tools/peers/*_worker.py under the project's .venv Python; where they
// are found: peer_locations.h) that loads the model, measures load plans with the same clock
// rules as the native harness and runs inferences on tensors exchanged as .npy files.
// Statistics are computed here, in bench/stats.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "backends/backend_impl.h"
#include "backends/peer_locations.h"
#include "backends/worker_process.h"
#include "frontends/caffe/caffe_importer.h"
#include "frontends/model_file.h"
#include "inferlab/lab/tensor_file.h"

namespace inferlab::backends {
namespace fs = std::filesystem;
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/inferlab-peer-XXXXXX";
    if (!mkdtemp(tmpl)) fail(ErrorCode::io, "cannot create a temporary directory");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The weights file a worker reads: the one given, or (Caffe) the one inferlab's importer would
// take beside the prototxt, so both runtimes read the same files.
std::string peer_weights(const BackendOptions& o) {
  std::string w = o.weights;
  if (w.empty() && fs::path(o.model).extension() == ".prototxt") w = caffe_weights_beside(o.model);
  return w.empty() ? w : fs::absolute(w).string();
}

std::string safe_name(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

class PeerBackend : public Backend {
 public:
  PeerBackend(const std::string& name, const BackendOptions& o) : opts_(o) {
    info_.name = name;
    std::string graph_name;
    info_.inputs = model_inputs(o, &graph_name, &info_.notes);
    auto cmd = worker_command(name);
    worker_ = std::make_unique<WorkerProcess>(cmd.argv, cmd.env, name);
    nlohmann::json inputs = nlohmann::json::array();
    for (const auto& p : info_.inputs)
      inputs.push_back({{"name", p.name}, {"shape", p.shape}, {"dtype", dtype_name(p.dtype)}});
    const int cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    const nlohmann::json req = {
        {"cmd", "load"},
        {"model", fs::absolute(o.model).string()},
        {"weights", peer_weights(o)},
        {"graph_name", graph_name},
        {"inputs", inputs},
        {"batch", o.batch},
        {"streams", o.streams},
        {"threads", o.threads},
        {"nireq", o.nireq},
        {"async", o.async},
        {"hint", o.hint == PerformanceHint::latency ? "latency" : "throughput"},
        {"opt_level", o.opt_level},
        {"precision", precision_name(o.precision)},
        {"pin", o.pin},
        {"perf_counters", o.perf_counters},
        {"cores", cores}};
    const auto r = worker_->call(req, o.timeout_s);
    info_.version = r.value("version", std::string("?"));
    info_.settings = r.value("settings", nlohmann::json::object());
    info_.compile_ms = r.value("compile_ms", 0.0);
    info_.in_flight = r.value("in_flight", 1);
    for (const auto& out : r.value("outputs", nlohmann::json::array()))
      info_.outputs.push_back({out.get<std::string>(), DType::undefined, {}});
  }

  const BackendInfo& info() const override { return info_; }

  void set_samples(const std::vector<TensorMap>& samples) override {
    const auto ordered = ordered_samples(samples, info_.inputs);
    nlohmann::json files = nlohmann::json::array();
    for (std::size_t s = 0; s < ordered.size(); ++s) {
      nlohmann::json one = nlohmann::json::object();
      for (std::size_t i = 0; i < ordered[s].size(); ++i) {
        const std::string f = fmt::format("{}/sample{}_{}.npy", dir_.path(), s, i);
        write_tensor_npy(f, ordered[s][i]);
        one[info_.inputs[i].name] = f;
      }
      files.push_back(one);
    }
    worker_->call({{"cmd", "samples"}, {"files", files}}, opts_.timeout_s);
  }

  bench::RunRecord measure(const bench::LoadPlan& plan, const bench::ProgressFn&) override {
    // The reply comes after the whole measurement: allow its planned length on top.
    const double planned =
        std::max(plan.min_duration_s, plan.arrivals_s.empty() ? 0.0 : plan.arrivals_s.back());
    const auto r = worker_->call({{"cmd", "measure"}, {"plan", bench::to_json(plan)}},
                                 opts_.timeout_s + 2 * planned);
    return bench::run_record_from_json(r.at("record"));
  }

  TensorMap infer(const TensorMap& inputs) override {
    nlohmann::json files = nlohmann::json::object();
    for (const auto& p : info_.inputs) {
      auto it = inputs.find(p.name);
      if (it == inputs.end()) fail("{} backend: input '{}' not given", info_.name, p.name);
      const std::string f = dir_.path() + "/in_" + safe_name(p.name) + ".npy";
      write_tensor_npy(f, it->second);
      files[p.name] = f;
    }
    const std::string out_dir = dir_.path() + "/out";
    fs::remove_all(out_dir);
    fs::create_directories(out_dir);
    const auto r = worker_->call({{"cmd", "infer"}, {"inputs", files}, {"output_dir", out_dir}},
                                 opts_.timeout_s);
    TensorMap out;
    for (const auto& [name, path] : r.at("outputs").items())
      out[name] = read_tensor_file(path.get<std::string>());
    return out;
  }

  std::vector<LayerProfile> layer_profile() override {
    if (!opts_.perf_counters) return {};
    std::vector<LayerProfile> out;
    const nlohmann::json reply = worker_->call({{"cmd", "profile"}}, opts_.timeout_s);
    for (const auto& l : reply.at("layers")) {
      LayerProfile p;
      p.name = l.value("name", "");
      p.op_type = l.value("op_type", "");
      p.implementation = l.value("implementation", "");
      p.layout = l.value("layout", "");
      p.time_ms = l.value("time_ms", 0.0);
      p.count = l.value("count", std::int64_t{0});
      out.push_back(std::move(p));
    }
    return out;
  }

  double peak_rss_mb() override {
    return worker_->call({{"cmd", "stats"}}, opts_.timeout_s).value("peak_rss_mb", 0.0);
  }

 private:
  BackendOptions opts_;
  BackendInfo info_;
  TempDir dir_;
  std::unique_ptr<WorkerProcess> worker_;
};

}  // namespace

std::unique_ptr<Backend> open_peer_backend(const std::string& name, const BackendOptions& o) {
  // Model formats each peer's own reader takes (peers not listed decide for themselves).
  static const std::map<std::string, std::vector<ModelFormat>> kReads = {
      {"onnxruntime", {ModelFormat::onnx}},
      {"pytorch", {ModelFormat::onnx}},
      {"opencv", {ModelFormat::onnx, ModelFormat::caffe}}};
  auto it = kReads.find(name);
  const ModelFormat f = model_format(o.model);
  if (it != kReads.end() && std::find(it->second.begin(), it->second.end(), f) == it->second.end())
    fail(ErrorCode::backend_unavailable, "{} backend unavailable for {}: it reads {} models only",
         name, o.model, name == "opencv" ? "ONNX and Caffe" : "ONNX");
  return std::make_unique<PeerBackend>(name, o);
}

}  // namespace inferlab::backends
