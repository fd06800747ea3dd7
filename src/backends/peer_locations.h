#pragma once
// Where the peer workers and their runtimes are found, without any compiled-in path: an
// installed or moved inferlab finds them relative to its own executable (docs/bench.md).
#include <string>
#include <vector>

namespace inferlab::backends {

// inferlab's home: $INFERLAB_HOME, else the first folder holding tools/peers/peer_common.py
// among the executable's folder, its parents (a build tree inside the source tree) and
// <prefix>/share/inferlab (an installed tree). Throws Error naming the places searched.
std::string inferlab_home();

// The Python of one of the project's environments (scripts/setup_venv.sh): `env` ".venv"
// (OpenVINO, TensorFlow; overridden by $INFERLAB_PYTHON) or ".venv-torch" (PyTorch;
// $INFERLAB_TORCH_PYTHON), <home>/ENV/bin/python. Throws Error ("NAME backend unavailable:
// MODULE: not installed; run scripts/setup.sh") when that Python or its `module` is absent.
std::string peer_python(const std::string& backend, const std::string& module,
                        const std::string& env = ".venv");

struct WorkerCommand {
  std::vector<std::string> argv, env;
};
// The command that starts `backend`'s worker; throws Error when it cannot be started here.
WorkerCommand worker_command(const std::string& backend);

}  // namespace inferlab::backends
