#!/usr/bin/env bash
# Installs every dependency of inferlab on Debian 12. Idempotent: safe to run twice.
# Usage: scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

PKGS=(
  build-essential cmake ninja-build pkg-config clang-format ccache
  libdnnl-dev libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libsqlite3-dev libpugixml-dev libjpeg-dev libpng-dev libhwloc-dev zlib1g-dev
  libopencv-dev
  python3-venv python3-torch python3-torchvision python3-onnx python3-numpy
  python3-dev  # headers for the Python package's module (python/)
  chromium
  # The fleet layer (docs/fleet.md): libpq for the PostgreSQL results store, Open MPI for
  # `bench --distributed`, Slurm's commands; the PostgreSQL server, Slurm daemons and munge are
  # for its tests (tests/fleet start throwaway ones on loopback).
  libpq-dev postgresql libopenmpi-dev openmpi-bin slurm-client slurmctld slurmd munge
  # clang builds (scripts/test.sh): ASan/UBSan + libFuzzer (libclang-rt), ThreadSanitizer with
  # libomp's Archer tool (libomp-14-dev ships libarcher.so), llvm-symbolizer for reports.
  clang-14 libclang-rt-14-dev libomp-14-dev llvm-14
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

# Node.js is needed for the ONNX Runtime peer backend (onnxruntime-node ships libonnxruntime).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nodejs npm
fi
# --ignore-scripts: the package's install script tries to download GPU providers and fails offline.
if [ ! -f third_party/node/node_modules/onnxruntime-node/package.json ]; then
  mkdir -p third_party/node
  (cd third_party/node && npm install --ignore-scripts --no-audit --no-fund --silent onnxruntime-node@1.30.0)
fi
# Charts of `inferlab report` (inlined into the HTML, so reports open offline).
if [ ! -f third_party/node/node_modules/vega-embed/package.json ]; then
  mkdir -p third_party/node
  (cd third_party/node && npm install --ignore-scripts --no-audit --no-fund --silent \
    vega@6.4.0 vega-lite@6.5.0 vega-embed@7.3.0)
fi
# The Python peers (OpenVINO, TensorFlow, PyTorch), pinned in scripts/requirements.txt.
scripts/setup_venv.sh
echo "setup: all dependencies present"
