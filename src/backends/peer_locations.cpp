#include "backends/peer_locations.h"

#include <cstdlib>
#include <filesystem>

#include "ir/error.h"

namespace inferlab::backends {
namespace fs = std::filesystem;
namespace {

fs::path self_dir() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path();
}

bool is_home(const fs::path& p) {
  return fs::exists(p / "tools" / "peers" / "peer_common.py");
}

// The OpenCV worker is a program built (or installed) next to the inferlab executable.
std::string opencv_worker_path() {
  if (const char* s = std::getenv("INFERLAB_OPENCV_WORKER")) return s;
  const fs::path dir = self_dir();
  for (const auto& c :
       {dir / "inferlab-opencv-worker", dir.parent_path() / "inferlab-opencv-worker"})
    if (!dir.empty() && fs::exists(c)) return c.string();
  fail(ErrorCode::backend_unavailable,
       "opencv backend unavailable: inferlab-opencv-worker not found next to this program (build "
       "the 'inferlab-opencv-worker' target, or set INFERLAB_OPENCV_WORKER)");
}

std::string find_node() {
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    for (std::size_t b = 0, e; b <= p.size(); b = e + 1) {
      e = p.find(':', b);
      if (e == std::string::npos) e = p.size();
      const fs::path c = fs::path(p.substr(b, e - b)) / "node";
      if (e > b && fs::exists(c)) return c.string();
    }
  }
  for (const char* node : {"/usr/bin/node", "/usr/local/bin/node"})
    if (fs::exists(node)) return node;
  fail(ErrorCode::backend_unavailable,
       "onnxruntime backend unavailable: node not found (PATH, /usr/bin/node)");
}

}  // namespace

std::string inferlab_home() {
  if (const char* h = std::getenv("INFERLAB_HOME")) {
    if (!is_home(h))
      fail(ErrorCode::backend_unavailable, "INFERLAB_HOME={} holds no tools/peers/peer_common.py",
           h);
    return h;
  }
  const fs::path dir = self_dir();
  std::vector<fs::path> tried;
  if (!dir.empty()) {
    for (fs::path p = dir; tried.size() < 4 && !p.empty(); p = p.parent_path()) {
      tried.push_back(p);
      if (p == p.parent_path()) break;
    }
    tried.push_back(dir.parent_path() / "share" / "inferlab");
  }
  for (const auto& p : tried)
    if (is_home(p)) return p.string();
  std::string where;
  for (const auto& p : tried) where += (where.empty() ? "" : ", ") + p.string();
  fail(ErrorCode::backend_unavailable,
       "peer workers not found (looked for tools/peers/ in {}); set INFERLAB_HOME to inferlab's "
       "source or install folder",
       where);
}

std::string peer_python(const std::string& backend, const std::string& module,
                        const std::string& env) {
  const char* var = env == ".venv" ? "INFERLAB_PYTHON" : "INFERLAB_TORCH_PYTHON";
  if (const char* p = std::getenv(var)) return p;  // the worker then fails on a missing import
  const fs::path venv = fs::path(inferlab_home()) / env;
  const fs::path python = venv / "bin" / "python";
  if (!fs::exists(python))
    fail(ErrorCode::backend_unavailable,
         "{} backend unavailable: {}: not installed; run scripts/setup.sh (no Python environment "
         "{})",
         backend, module, venv.string());
  std::error_code ec;
  for (const auto& lib : fs::directory_iterator(venv / "lib", ec))
    if (fs::exists(lib.path() / "site-packages" / module)) return python.string();
  fail(ErrorCode::backend_unavailable,
       "{} backend unavailable: {}: not installed; run scripts/setup.sh (not in {})", backend,
       module, venv.string());
}

WorkerCommand worker_command(const std::string& name) {
  if (name == "opencv") return {{opencv_worker_path()}, {}};
  const std::string home = inferlab_home();
  const std::string tools = home + "/tools/";
  if (name == "onnxruntime") {
    const std::string mods = home + "/third_party/node/node_modules";
    if (!fs::exists(mods + "/onnxruntime-node/package.json"))
      fail(ErrorCode::backend_unavailable,
           "onnxruntime backend unavailable: onnxruntime-node: not installed; run scripts/setup.sh "
           "({} lacks it)",
           mods);
    return {{find_node(), tools + "ort_worker.js"}, {"NODE_PATH=" + mods}};
  }
  if (name == "openvino")
    return {{peer_python(name, "openvino"), tools + "peers/openvino_worker.py"}, {}};
  if (name == "tensorflow")
    return {{peer_python(name, "tensorflow"), tools + "peers/tensorflow_worker.py"}, {}};
  if (name == "pytorch")
    return {{peer_python(name, "onnx2torch", ".venv-torch"), tools + "peers/torch_worker.py"}, {}};
  fail("unknown peer backend '{}'", name);
}

}  // namespace inferlab::backends
