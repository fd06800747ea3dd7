#!/usr/bin/env bash
# Configures and builds inferlab. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
# ccache keys on paths relative to the checkout, so every clone and worktree on this machine (CI's
# fresh clone too) reuses the objects compiled by another.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
ninja -C "$dir" -j"$(nproc)"
