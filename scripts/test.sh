#!/usr/bin/env bash
# The whole test suite: setup, format check, gcc release build + all tests, one clang build with
# ASan+UBSan and libFuzzer instrumentation (unit tests + a fuzz smoke), one clang ThreadSanitizer
# build of the engine and harness tests. Exits non-zero on the first failing stage; prints each
# stage's time. Each stage is a function, so stages can be added without touching the others.
set -euo pipefail
cd "$(dirname "$0")/.."
# As in scripts/build.sh: ccache keys on checkout-relative paths (the TSan stage runs cmake itself).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
# The sanitizer trees compile at -O1 with line tables only (stack traces keep file:line): their
# cold compile is the longest part of a fresh CI run, and the reference engine under ASan ran
# ResNet-50 in the same CPU time as at -O2 -g (docs/bench.md "How long CI takes").
san_build=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG")

stage_format() {
  local files
  files=$(git ls-files '*.cpp' '*.h')
  clang-format --dry-run --Werror $files
  echo "clang-format: $(echo "$files" | wc -l) files clean"
}

stage_release() {
  # INFERLAB_PYTHON: the Python module and its pytest suite (ctest python_pytest) in this build.
  scripts/build.sh build -DINFERLAB_PYTHON=ON
  ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 1200 -LE fleet
}

# `pip install .` (pyproject.toml) into a throwaway folder, offline (.venv's pinned
# scikit-build-core and nanobind, no build isolation), then the pytest suite against the
# installed package. Opt-in (INFERLAB_TEST_PIP=1): it compiles the engine a second time.
stage_pip() {
  local target
  target=$(mktemp -d)
  .venv/bin/pip install --quiet --no-build-isolation --no-deps --target "$target" .
  PYTHONPATH=$target INFERLAB_CLI=build/inferlab .venv/bin/python -m pytest -q -p no:cacheprovider \
    python/tests
  rm -rf "$target"
}

# The fleet layer's tests start real daemons (PostgreSQL, munge, slurmctld, slurmd on loopback;
# root) and mpirun -np 2, so they run in a stage of their own (docs/fleet.md).
stage_fleet() {
  ctest --test-dir build --output-on-failure -j2 --timeout 1200 -L fleet
}

# clang 14, ASan+UBSan, -fsanitize=fuzzer-no-link: the unit tests (model-level tests named *Slow*
# excluded) and each fuzz target for ~20 s, two at a time (docs/reliability.md).
stage_clang_asan() {
  CC=clang-14 CXX=clang++-14 scripts/build.sh build-clang-asan "${san_build[@]}" \
    -DINFERLAB_SANITIZE=ON -DINFERLAB_FUZZ=ON
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-clang-asan --output-on-failure -j"$(nproc)" --timeout 1800 -E "Slow" \
    -LE fleet
  scripts/fuzz.sh build-clang-asan "${INFERLAB_FUZZ_SMOKE_S:-20}" 2
}

# clang 14 ThreadSanitizer on the engine and harness tests. libomp's Archer tool tells TSan about
# OpenMP's own fork/join synchronisation (libomp is not instrumented), so it reports no false
# races; oneDNN and other uninstrumented libraries are ignored.
stage_tsan() {
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-tsan -G Ninja "${san_build[@]}" -DINFERLAB_TSAN=ON \
    >/dev/null
  ninja -C build-tsan -j"$(nproc)" test_engine test_bench inferlab
  local archer=/usr/lib/llvm-14/lib/libarcher.so
  export OMP_TOOL_LIBRARIES=$archer
  export TSAN_OPTIONS="halt_on_error=1 ignore_noninstrumented_modules=1 second_deadlock_stack=1"
  # ZooModels: whole ResNet-50/SSD300 runs on the reference engine, minutes even without TSan.
  build-tsan/tests/test_engine --gtest_filter='-*Slow*:ZooModels.*'
  build-tsan/tests/test_bench --gtest_filter='-*Slow*'
}

timed() {
  local t0=$SECONDS
  echo "== $1"
  "$1"
  echo "== $1: $((SECONDS - t0)) s"
}

scripts/setup.sh
timed stage_format
timed stage_release
if [ "${INFERLAB_TEST_PIP:-0}" = 1 ]; then timed stage_pip; fi
timed stage_fleet
timed stage_clang_asan
timed stage_tsan
