// Peer backends: each runs in a worker process (tools/ort_worker.js under node,
// inferlab-opencv-worker, tools/torch_worker.py under /usr/bin/python3) that loads the model,
// measures load plans with the same clock rules as the native harness and runs inferences on
// tensors exchanged as .npy files. Statistics are computed here, in bench/stats.
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "backends/backend_impl.h"
#include "backends/worker_process.h"
#include "frontends/tensor_file.h"

namespace inferlab::backends {
namespace fs = std::filesystem;
namespace {

std::string source_dir() {
  if (const char* s = std::getenv("INFERLAB_SOURCE_DIR")) return s;
  return INFERLAB_SOURCE_DIR;
}

// The OpenCV worker is built next to the inferlab executable; tests find it in the build dir.
std::string opencv_worker_path() {
  if (const char* s = std::getenv("INFERLAB_OPENCV_WORKER")) return s;
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(self.parent_path() / "inferlab-opencv-worker");
    candidates.push_back(self.parent_path().parent_path() / "inferlab-opencv-worker");
  }
#ifdef INFERLAB_BUILD_DIR
  candidates.push_back(fs::path(INFERLAB_BUILD_DIR) / "inferlab-opencv-worker");
#endif
  for (const auto& c : candidates)
    if (fs::exists(c)) return c.string();
  fail(
      "opencv backend unavailable: inferlab-opencv-worker not found next to this program (build "
      "the 'inferlab-opencv-worker' target, or set INFERLAB_OPENCV_WORKER)");
}

struct WorkerCommand {
  std::vector<std::string> argv, env;
};

WorkerCommand worker_command(const std::string& name) {
  const std::string src = source_dir();
  if (name == "onnxruntime") {
    const std::string mods = src + "/third_party/node/node_modules";
    if (!fs::exists(mods + "/onnxruntime-node/package.json"))
      fail("onnxruntime backend unavailable: {} lacks onnxruntime-node (run scripts/setup.sh)",
           mods);
    for (const char* node : {"/usr/bin/node", "/usr/local/bin/node"})
      if (fs::exists(node)) return {{node, src + "/tools/ort_worker.js"}, {"NODE_PATH=" + mods}};
    fail("onnxruntime backend unavailable: node not found (/usr/bin/node)");
  }
  if (name == "opencv") return {{opencv_worker_path()}, {}};
  if (name == "pytorch") {
    if (!fs::exists("/usr/bin/python3")) fail("pytorch backend unavailable: no /usr/bin/python3");
    return {{"/usr/bin/python3", src + "/tools/torch_worker.py"}, {}};
  }
  fail("unknown peer backend '{}'", name);
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/inferlab-peer-XXXXXX";
    if (!mkdtemp(tmpl)) fail("cannot create a temporary directory");
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
        {"graph_name", graph_name},
        {"inputs", inputs},
        {"batch", o.batch},
        {"streams", o.streams},
        {"threads", o.threads},
        {"nireq", o.nireq},
        {"async", o.async},
        {"hint", o.hint == PerformanceHint::latency ? "latency" : "throughput"},
        {"opt_level", o.opt_level},
        {"precision", o.precision},
        {"pin", o.pin},
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
  return std::make_unique<PeerBackend>(name, o);
}

}  // namespace inferlab::backends
