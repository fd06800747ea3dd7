#!/usr/bin/env bash
# oneDNN 2.6 (Debian, what the engine links) against oneDNN 3.x (PyPI wheels), per convolution
# layer of ResNet-50 and summed over the network: FP32 direct, FP32 Winograd, BF16 and INT8
# (u8 x s8 per-channel -> u8), fused ReLU, batch 1 and 8, 1 and 2 threads. Builds
# bench/onednn_layers/ once per version, checks that every build computes the same outputs as 2.6
# on the same inputs (OUT/check.txt; exit 1 if not), then runs the builds alternately (2.6, 3.2, 2.6, 3.2,
# ... for N rounds, so that load changes on a shared machine hit both) and prints Markdown
# tables: implementation oneDNN picked, ms per call, GFLOP/s, % of `inferlab peak`, and the
# per-round ratio 2.6 time / 3.x time (> 1: 3.x faster). Raw rows stay in OUT/raw.
#
#   bench/onednn_versions.sh [--rounds N] [--reps N] [--max-ms MS] [--batches 1,8]
#                            [--threads 1,2] [--kinds f32,f32wino,bf16,i8] [--layers TEXT]
#                            [--layout any|nChw16c] [--peak F32,BF16,I8] [--sycl] [--quick]
#                            [--stat wall|min|cpu] [--out DIR]
#
# The 3.x wheels (exact versions and hashes in bench/onednn_layers/requirements-onednn*.txt) are
# downloaded once into the wheelhouse ($INFERLAB_WHEELS, default ~/.cache/inferlab/wheels, as
# scripts/setup_venv.sh does) and unpacked under ~/.cache/inferlab/onednn; nothing is committed.
#   3.2  onednn-cpu-gomp 2023.2.0: plain CPU build on OpenMP (libgomp), like Debian's 2.6.
#   3.13 (--sycl) onednn 2026.1.0: SYCL build with TBB threading, ~510 MB of Intel runtime wheels;
#        its thread count is set by the CPU affinity (taskset -c 0..T-1), not by OpenMP.
# --reps caps the timed calls per configuration, --max-ms stops earlier (after 3 calls);
# --quick: 3 rounds, 5 calls, 100 ms (a smoke run; quote it as such). --peak skips running
# `build/inferlab peak` (per-core GFLOP/s; without either, no % of peak is printed).
# --stat: which time of each run the tables use (bench/onednn_layers/table.py): wall (median of
# the calls, default), min, or cpu (process CPU time: the one-thread figure least disturbed by
# other processes on a loaded machine). The raw rows hold all three; rerun table.py for another.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3 reps=30 maxms=500 batches=1,8 threads=1,2 kinds=f32,f32wino,bf16,i8 layers= layout=any
peak= sycl=0 stat=wall out=bench/out/onednn_versions
die() { echo "onednn_versions.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --sycl | --quick) ;;
    *) [ $# -ge 2 ] || die "option $1 needs a value (or is unknown)" ;;
  esac
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --max-ms) maxms=$2; shift 2 ;;
    --batches) batches=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --kinds) kinds=$2; shift 2 ;;
    --layers) layers=$2; shift 2 ;;
    --layout) layout=$2; shift 2 ;;
    --peak) peak=$2; shift 2 ;;
    --sycl) sycl=1; shift ;;
    --stat) stat=$2; shift 2 ;;
    --quick) rounds=3 reps=5 maxms=100; shift ;;
    --out) out=$2; shift 2 ;;
    *) die "unknown option $1 (see the comment at the top)" ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds wants a positive integer, got '$rounds'"
[[ $stat =~ ^(wall|min|cpu)$ ]] || die "--stat wants wall, min or cpu, got '$stat'"
[[ $layout =~ ^(any|nChw16c)$ ]] || die "--layout wants any or nChw16c, got '$layout'"
IFS=, read -r -a tlist <<<"$threads"
for t in "${tlist[@]}"; do
  [[ $t =~ ^[1-9][0-9]*$ ]] && [ "$t" -le "$(nproc)" ] ||
    die "--threads: '$t' is not a thread count between 1 and this machine's $(nproc) cores"
done
src=bench/onednn_layers
cache=${XDG_CACHE_HOME:-$HOME/.cache}/inferlab
wheels=${INFERLAB_WHEELS:-$cache/wheels}
mkdir -p "$out/bin" "$out/raw" "$wheels"
rm -f "$out"/raw/*.tsv

python=/usr/bin/python3
[ -x .venv/bin/python ] && python=.venv/bin/python
"$python" -m pip --version >/dev/null 2>&1 ||
  die "$python has no pip (run scripts/setup.sh)"
[ -f /usr/include/oneapi/dnnl/dnnl.hpp ] ||
  die "Debian's oneDNN headers are missing (run scripts/setup.sh)"

# unpack REQUIREMENTS PREFIX: wheels of REQUIREMENTS (offline from the wheelhouse first) with
# their data directories (include/, lib/, etc/) merged into PREFIX; a stamp holds the file's hash.
unpack() {
  local req=$1 prefix=$2 want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  [ "$(cat "$prefix/.requirements.sha256" 2>/dev/null)" = "$want" ] && return
  if ! "$python" -m pip download --quiet --no-input --no-deps --require-hashes --no-index \
    --find-links "$wheels" -d "$wheels" -r "$req" 2>/dev/null; then
    echo "== downloading the wheels of $req into $wheels" >&2
    "$python" -m pip download --quiet --no-input --no-deps --require-hashes -d "$wheels" -r "$req"
  fi
  rm -rf "$prefix"
  mkdir -p "$prefix"
  "$python" - "$req" "$wheels" "$prefix" <<'EOF'
import glob, os, re, shutil, sys, zipfile
req, wheels, prefix = sys.argv[1:]
for line in open(req):
    m = re.match(r"([A-Za-z0-9_.-]+)==([^ ]+)", line)
    if not m:
        continue
    name = re.sub(r"[-_.]+", "_", m.group(1)).lower()
    found = glob.glob(os.path.join(wheels, f"{name}-{m.group(2)}-*.whl"))
    if len(found) != 1:
        sys.exit(f"unpack: expected one wheel for {m.group(1)}=={m.group(2)} in {wheels}, got {found}")
    with zipfile.ZipFile(found[0]) as z:
        for info in z.infolist():
            parts = info.filename.split("/")
            if len(parts) > 2 and parts[0].endswith(".data") and parts[1] == "data" and parts[-1]:
                dest = os.path.join(prefix, *parts[2:])
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with z.open(info) as fin, open(dest, "wb") as fout:
                    shutil.copyfileobj(fin, fout)
EOF
  echo "$want" >"$prefix/.requirements.sha256"
}

# build NAME [INCLUDE_DIR LIB_DIR]: one binary per oneDNN, rebuilt when a source is newer.
build() {
  local bin=$out/bin/onednn_layers_$1 flags=()
  [ $# -gt 1 ] && flags=(-I"$2" -L"$3" -Wl,-rpath,"$3")
  if [ -x "$bin" ] && [ -z "$(find "$src" -newer "$bin" -name '*.[ch]*')" ]; then return; fi
  echo "== building $bin" >&2
  g++ -std=c++17 -O2 -fopenmp -Wall "${flags[@]}" "$src/conv_primitive.cpp" \
    "$src/onednn_layers.cpp" -ldnnl -o "$bin"
}

variants=(2.6 3.2)
build 2.6
unpack "$src/requirements-onednn32.txt" "$cache/onednn/3.2"
build 3.2 "$cache/onednn/3.2/include" "$cache/onednn/3.2/lib"
if [ "$sycl" = 1 ]; then
  unpack "$src/requirements-onednn313.txt" "$cache/onednn/3.13"
  build 3.13 "$cache/onednn/3.13/include" "$cache/onednn/3.13/lib"
  variants+=(3.13)
fi

lib313=$cache/onednn/3.13/lib
# run_variant VERSION THREADS ARGS...: one build on cores 0..THREADS-1 (the engine pins its teams
# too; for the TBB build of 3.13 this affinity is what sets the thread count). Only 3.13 gets
# LD_LIBRARY_PATH: it would override the 3.2 binary's RUNPATH.
run_variant() {
  local v=$1 t=$2 envs=()
  shift 2
  [ "$v" = 3.13 ] && envs=(LD_LIBRARY_PATH="$lib313" OCL_ICD_FILENAMES="$lib313/libintelocl.so")
  env "${envs[@]}" taskset -c "0-$((t - 1))" "$out/bin/onednn_layers_$v" "$@" --threads "$t"
}

# First, that every build computes the same convolutions: outputs on the same inputs at batch 1
# against 2.6's (onednn_layers --check; 2.6 runs first and writes the reference files).
sel=(--kinds "$kinds" --layout "$layout")
[ -n "$layers" ] && sel+=(--layers "$layers")
rm -rf "$out/check"
mkdir -p "$out/check"
: >"$out/check.txt"
for v in "${variants[@]}"; do
  run_variant "$v" 1 --check "$out/check" --batches 1 "${sel[@]}" | grep '^check' >>"$out/check.txt" ||
    true
done
echo "== outputs against 2.6: $(grep -c 'ok:' "$out/check.txt") ok, $(grep -c 'FAIL' "$out/check.txt") differing ($out/check.txt)" >&2
if grep -q 'FAIL\|no reference' "$out/check.txt"; then
  grep 'FAIL\|no reference' "$out/check.txt" >&2
  echo "onednn_versions.sh: the builds do not compute the same convolutions; not timing them" >&2
  exit 1
fi
rm -rf "$out/check"

if [ -z "$peak" ] && [ -x build/inferlab ]; then
  echo "== build/inferlab peak" >&2
  peak=$(build/inferlab peak --repetitions 20 | awk -F': ' '/peak, one core/ {split($2, a, " "); v = v sep a[1]; sep = ","} END {print v}')
  echo "   per-core peaks FP32,BF16,INT8: $peak GFLOP/s" >&2
fi

args=(--batches "$batches" "${sel[@]}" --reps "$reps" --max-ms "$maxms")
for r in $(seq 1 "$rounds"); do
  for v in "${variants[@]}"; do
    echo "== round $r: oneDNN $v ($(uptime | sed 's/.*load/load/'))" >&2
    file=$out/raw/onednn_${v}_r$r.tsv
    : >"$file"
    for t in "${tlist[@]}"; do
      run_variant "$v" "$t" "${args[@]}" >>"$file"
    done
  done
done
table_args=(--stat "$stat")
[ -n "$peak" ] && table_args+=(--peak "$peak")
{
  echo "# oneDNN versions, $(date -u '+%Y-%m-%d %H:%M UTC'), $rounds rounds, up to $reps calls or $maxms ms per configuration, layout $layout"
  echo "Per-core peaks FP32,BF16,INT8 (GFLOP/s): ${peak:-not measured}; load at the end: $(uptime | sed 's/.*load/load/')"
  echo
  "$python" "$src/table.py" "${table_args[@]}" "$out"/raw/*.tsv
} | tee "$out/table.md"
