#!/usr/bin/env bash
# Soak: the server scenario at 80% of the found peak rate for a long run, one stream on one
# thread, sampling the process's RSS and each 10-second repetition's latency percentiles. Checks
# that both stay flat (within 2% by default): no leak, no drift.
#
#   bench/soak.sh [--model FILE] [--minutes 30] [--bound-ms 20] [--load 0.8] [--out DIR]
#
# Steps: `bench --find-peak` (highest Poisson rate whose p99 meets --bound-ms), then
# `bench --scenario server --rate 0.8*peak --time 10 --repetitions minutes*6`, RSS sampled with ps
# every 10 s. Writes OUT/samples.csv (t_s, rss_kib), OUT/reps.csv (per repetition: p50, p90,
# p99 ms, samples/s) and OUT/latency.csv (per repetition: the 1-us latency histogram), prints the
# drift of RSS (after the first minute) and of p50/p99 (first third vs last third of the run,
# bench/soak_drift.py). Exit 1 when a drift exceeds --tolerance (percent).
set -euo pipefail
cd "$(dirname "$0")/.."
model=../shared/data/cifar10/resnet20_cifar10.onnx minutes=30 bound=20 load=0.8 tol=2
out=bench/out/soak-$(date -u +%Y%m%dT%H%M%S)
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --bound-ms) bound=$2; shift 2 ;;
    --load) load=$2; shift 2 ;;
    --tolerance) tol=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=build/inferlab
[ -x "$bin" ] || { echo "build first: scripts/build.sh build" >&2; exit 2; }
[ -f "$model" ] || { echo "model $model not found" >&2; exit 2; }
mkdir -p "$out"
common=(--streams 1 --threads 1 --batch 1 --no-db --no-progress)

echo "soak: finding the peak rate of $model (p99 <= $bound ms)"
"$bin" bench "$model" "${common[@]}" --scenario server --find-peak --latency-bound "$bound" \
  --time 5 --repetitions 1 | tee "$out/peak.txt"
peak=$(sed -n 's/^peak rate  *\([0-9.]*\) queries\/s$/\1/p' "$out/peak.txt")
[ -n "$peak" ] || { echo "soak: no peak rate found" >&2; exit 1; }
rate=$(awk -v p="$peak" -v l="$load" 'BEGIN { printf "%.2f", p * l }')
reps=$((minutes * 6))
echo "soak: peak $peak q/s, running at $rate q/s for $reps x 10 s"

"$bin" bench "$model" "${common[@]}" --scenario server --rate "$rate" --time 10 \
  --repetitions "$reps" --json "$out/result.json" --latency-log "$out/latency.csv" \
  >"$out/bench.txt" 2>&1 &
pid=$!
echo "t_s,rss_kib" >"$out/samples.csv"
t0=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
  rss=$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ' || true)
  [ -n "$rss" ] && echo "$((SECONDS - t0)),$rss" >>"$out/samples.csv"
  sleep 10
done
wait "$pid" || { echo "soak: bench failed:" >&2; tail -5 "$out/bench.txt" >&2; exit 1; }

echo "rep,samples_per_s,p50_ms,p90_ms,p99_ms" >"$out/reps.csv"
sed -n 's/^  repetition \([0-9]*\): \([0-9.]*\) samples\/s, p50 \([0-9.]*\) ms, p90 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1,\2,\3,\4,\5/p' \
  "$out/bench.txt" >>"$out/reps.csv"

# Latency drift, first third against last third: bench/soak_drift.py (pooled percentiles per
# third from the latency log, tested; medians of the 10-s windows, reported), each with the band
# it moves in without any trend.
python=.venv/bin/python
[ -x "$python" ] || python=python3
lat_rc=0
"$python" bench/soak_drift.py "$out/latency.csv" "$out/reps.csv" "$tol" || lat_rc=$?

# RSS drift from the first sample after 60 s to the last.
rss_rc=0
awk -F, -v tol="$tol" '
  NR == 1 { next }
  { if ($1 >= 60 && !r0) r0 = $2; if ($1 >= 60) r1 = $2 }
  END {
    if (!r0) { print "soak: no RSS sample after the first minute (run longer)"; exit 1 }
    d = 100 * (r1 - r0) / r0
    printf "soak: RSS %d -> %d KiB (%+.2f%%)\n", r0, r1, d
    exit (d > tol || d < -tol)
  }' "$out/samples.csv" || rss_rc=$?
[ "$lat_rc" -le 1 ] || exit "$lat_rc"
if [ "$lat_rc" -eq 0 ] && [ "$rss_rc" -eq 0 ]; then verdict=flat; else verdict="NOT FLAT"; fi
echo "soak: $verdict (tolerance $tol%); data in $out"
[ "$verdict" = flat ]
