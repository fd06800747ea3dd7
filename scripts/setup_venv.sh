#!/usr/bin/env bash
# Creates the project's Python environments (git-ignored), each from a requirements file with
# exact pins, installed with --no-deps so that the set is exactly the file's (then checked):
#   .venv        scripts/requirements.txt        OpenVINO (benchmark_app, ovc), TensorFlow, onnx
#   .venv-torch  scripts/requirements-torch.txt  onnx2torch over Debian's python3-torch
#                                                (system site packages, installed by setup.sh)
# Idempotent: a stamp file in each holds its requirements' hash, so a second run returns at
# once. The wheels are kept in a wheelhouse ($INFERLAB_WHEELS, default ~/.cache/inferlab/wheels)
# so that a fresh clone on this machine rebuilds its environments without downloading (pip's own
# HTTP cache is not written on this machine kind: checked with pip -vvv).
set -euo pipefail
cd "$(dirname "$0")/.."

# make_env DIR REQUIREMENTS CHECK [venv options]; CHECK: a Python statement that must run.
make_env() {
  local venv=$1 req=$2 check=$3
  shift 3
  local stamp="$venv/.inferlab-requirements.sha256" want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "setup: $venv up to date ($req unchanged)"
    return
  fi
  local start
  start=$(date +%s)
  rm -rf "$venv"
  # Debian's Python (python3-venv), not whichever python3 is first on PATH.
  /usr/bin/python3 -m venv "$@" "$venv"
  local wheels=${INFERLAB_WHEELS:-${XDG_CACHE_HOME:-$HOME/.cache}/inferlab/wheels}
  mkdir -p "$wheels"
  # Offline from the wheelhouse first; download what it lacks only when that fails.
  if ! "$venv/bin/pip" install --quiet --no-input --no-deps --no-index --find-links "$wheels" \
    -r "$req" 2>/dev/null; then
    "$venv/bin/pip" download --quiet --no-input --no-deps -d "$wheels" -r "$req"
    "$venv/bin/pip" install --quiet --no-input --no-deps --no-index --find-links "$wheels" -r "$req"
  fi
  "$venv/bin/python" -c "$check"
  echo "$want" >"$stamp"
  echo "setup: $venv built in $(($(date +%s) - start)) s"
}

# pip check for the self-contained .venv; .venv-torch sees Debian's packages, whose declared
# dependencies pip check would judge too (pygobject's pycairo), so its imports are checked.
make_env .venv scripts/requirements.txt \
  "import subprocess, sys; subprocess.run([sys.executable, '-m', 'pip', 'check'], check=True, stdout=subprocess.DEVNULL)"
make_env .venv-torch scripts/requirements-torch.txt "import torch, torchvision, onnx, onnx2torch" \
  --system-site-packages
