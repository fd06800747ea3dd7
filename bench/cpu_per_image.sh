#!/usr/bin/env bash
# CPU milliseconds per image of the native engine, the figure that stays meaningful on a loaded
# machine (time spent preempted does not count; wall-clock throughput does not survive load).
# Each measurement runs `inferlab bench` twice, with N1 and N2 queries, under `perf stat -e
# task-clock`, and reports (cpu(N2) - cpu(N1)) / (N2 - N1): model loading, compilation and
# warm-up cancel out. With single-thread streams no OpenMP thread spins, so this is the work per
# image (with S streams it includes their contention for the shared L3). Variants are measured
# alternately, round by round, so that load changes hit all of them; each variant's median and
# spread (min..max) and the per-round ratio to the first variant are printed.
#
#   bench/cpu_per_image.sh MODEL [--precision P] [--streams S] [--batch B] [--rounds R]
#                          [--n1 N1] [--n2 N2] [--variant NAME=LIBDIR]... [--out DIR]
# (N1, N2: queries of B images each; the figure is per image.)
#
# A variant is a directory holding another build's libinferlab_engine.so, put first on
# LD_LIBRARY_PATH (the binary's RUNPATH comes after it): copy build/src/libinferlab_engine.so
# aside before and after a change and compare the two in one run. Without --variant the current
# build is measured alone. Example (issue 8, QDQ ResNet-50 from `inferlab quantize`):
#   bench/cpu_per_image.sh resnet50_b1_qdq.onnx --precision i8 --rounds 5 \
#     --variant before=/tmp/lib_before --variant after=build/src
set -euo pipefail
cd "$(dirname "$0")/.."
model= precision=f32 streams=1 batch=1 rounds=3 n1=100 n2=400 out=bench/out/cpu_per_image
names=() dirs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --precision) precision=$2; shift 2 ;;
    --streams) streams=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --n1) n1=$2; shift 2 ;;
    --n2) n2=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --variant)
      [[ $2 == *=* ]] || { echo "--variant wants NAME=LIBDIR, got '$2'" >&2; exit 2; }
      [ -f "${2#*=}/libinferlab_engine.so" ] ||
        { echo "--variant $2: no libinferlab_engine.so in ${2#*=}" >&2; exit 2; }
      names+=("${2%%=*}") dirs+=("$(cd "${2#*=}" && pwd)"); shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) model=$1; shift ;;
  esac
done
[ -n "$model" ] || { echo "usage: bench/cpu_per_image.sh MODEL [options]" >&2; exit 2; }
[ -f "$model" ] || { echo "model '$model' not found" >&2; exit 2; }
[ "$n2" -gt "$n1" ] || { echo "--n2 ($n2) must exceed --n1 ($n1)" >&2; exit 2; }
command -v perf >/dev/null || { echo "perf is not installed (linux-perf)" >&2; exit 2; }
[ ${#names[@]} -gt 0 ] || { names=(current) dirs=(""); }
bin=build/inferlab
[ -x "$bin" ] || scripts/build.sh build
mkdir -p "$out"

cpu_ms() {  # cpu_ms LIBDIR QUERIES: task-clock of one bench run, in ms
  local stat="$out/perf.txt"
  env ${1:+LD_LIBRARY_PATH="$1"} perf stat -x, -e task-clock -o "$stat" "$bin" bench "$model" \
    --precision "$precision" --batch "$batch" --streams "$streams" --threads 1 --scenario offline \
    --niter "$2" --repetitions 1 --no-progress --no-db >"$out/bench.txt" 2>&1 ||
    { cat "$out/bench.txt" >&2; exit 1; }
  grep task-clock "$stat" | cut -d, -f1
}

: >"$out/rounds.tsv"
for r in $(seq 1 "$rounds"); do
  for i in "${!names[@]}"; do
    a=$(cpu_ms "${dirs[$i]}" "$n1") b=$(cpu_ms "${dirs[$i]}" "$n2")
    ms=$(awk -v a="$a" -v b="$b" -v n=$(((n2 - n1) * batch)) 'BEGIN { printf "%.3f", (b - a) / n }')
    printf '%s\t%s\t%s\t%s\n' "$r" "${names[$i]}" "$ms" "$(cut -d' ' -f1 /proc/loadavg)" |
      tee -a "$out/rounds.tsv" >&2
  done
done
echo "== $model, precision $precision, batch $batch, $streams single-thread stream(s), $rounds rounds, CPU ms per image"
awk -F'\t' -v first="${names[0]}" '
  function med(s,   n, v, i, j, t) {
    n = split(s, v, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function lo(s,   n, v, i, m) { n = split(s, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] < m) m = v[i]; return m }
  function hi(s,   n, v, i, m) { n = split(s, v, " "); m = v[1]; for (i = 2; i <= n; i++) if (v[i] > m) m = v[i]; return m }
  { ms[$1, $2] = $3; all[$2] = all[$2] " " $3; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } rounds[$1] = 1 }
  END {
    for (i = 1; i <= k; i++) {
      v = order[i]; ratio = ""
      for (r in rounds) if (ms[r, first] > 0) ratio = ratio " " ms[r, v] / ms[r, first]
      printf "%-12s %.3f ms (%.3f..%.3f)", v, med(all[v]), lo(all[v]), hi(all[v])
      if (v != first) printf "   %s / %s per round %.3f (%.3f..%.3f)", v, first, med(ratio), lo(ratio), hi(ratio)
      printf "\n"
    }
  }' "$out/rounds.tsv"
