#!/usr/bin/env bash
# The whole test suite: setup, format check, release build + all tests, ASan/UBSan build + unit
# tests. Exits non-zero on the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== clang-format check"
files=$(git ls-files '*.cpp' '*.h')
clang-format --dry-run --Werror $files
echo "clang-format: $(echo "$files" | wc -l) files clean"

echo "== release build + tests"
scripts/build.sh build
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 1200 -LE fleet

echo "== fleet: PostgreSQL store, mpirun -np 2, a one-node Slurm cluster (daemons on loopback; root)"
ctest --test-dir build --output-on-failure -j2 --timeout 1200 -L fleet

echo "== ASan+UBSan build + tests (model-level tests named *Slow* excluded)"
scripts/build.sh build-asan -DINFERLAB_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$(nproc)" --timeout 1800 -E "Slow" -LE fleet
