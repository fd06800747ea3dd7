#!/usr/bin/env bash
# Soak: the server scenario at 80% of the found peak rate for a long run, one stream on one
# thread, sampling the process's RSS and each 10-second repetition's latency percentiles. Checks
# that both stay flat (within 2% by default): no leak, no drift.
#
#   bench/soak.sh [--model FILE] [--minutes 30] [--bound-ms 20] [--load 0.8] [--out DIR]
#
# Steps: `bench --find-peak` (highest Poisson rate whose p99 meets --bound-ms), then
# `bench --scenario server --rate 0.8*peak --time 10 --repetitions minutes*6`, RSS sampled with ps
# every 10 s. Writes OUT/samples.csv (t_s, rss_kib) and OUT/reps.csv (per repetition: p50, p90,
# p99 ms, samples/s), prints the drift of RSS (after the first minute) and of the median p50/p99
# (first third vs last third of the run). Exit 1 when a drift exceeds --tolerance (percent).
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
  --repetitions "$reps" --json "$out/result.json" >"$out/bench.txt" 2>&1 &
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

# How far the drift statistic below moves without any trend: the same repetitions in 2000 random
# orders (seeded), the 95% range of (median of last third / median of first third - 1). A 10-s
# window's p99 rests on its ~150 slowest queries, so it scatters far more than its p50; a drift
# inside this band is not distinguishable from noise (docs/reliability.md).
python3 - "$out/reps.csv" <<'PY'
import csv, random, statistics as st, sys
rows = list(csv.DictReader(open(sys.argv[1])))
t = max(1, len(rows) // 3)
rng = random.Random(1)
for col in ("p50_ms", "p99_ms"):
    v = [float(r[col]) for r in rows]
    d = []
    for _ in range(2000):
        rng.shuffle(v)
        d.append(100 * (st.median(v[-t:]) / st.median(v[:t]) - 1))
    d.sort()
    print(f"soak: no-trend band of the {col[:3]} drift (95%, random orders): "
          f"{d[50]:+.2f}% .. {d[1949]:+.2f}%; window-to-window CV {st.pstdev(v) / st.mean(v):.1%}")
PY

# Drift: RSS from the first sample after 60 s to the last; latency medians of the first and last
# thirds of the repetitions.
awk -F, -v tol="$tol" -v out="$out" '
  FNR == 1 { next }
  FILENAME ~ /samples/ { if ($1 >= 60 && !r0) r0 = $2; if ($1 >= 60) r1 = $2; next }
  { n++; p50[n] = $3; p99[n] = $5; sps[n] = $2 }
  function med(a, lo, hi,   i, j, k, t, m) {
    m = 0; for (i = lo; i <= hi; i++) t[++m] = a[i]
    for (i = 2; i <= m; i++) for (j = i; j > 1 && t[j - 1] > t[j]; j--) { k = t[j]; t[j] = t[j - 1]; t[j - 1] = k }
    return m % 2 ? t[(m + 1) / 2] : (t[m / 2] + t[m / 2 + 1]) / 2
  }
  END {
    third = int(n / 3); if (third < 1) third = 1
    a50 = med(p50, 1, third); b50 = med(p50, n - third + 1, n)
    a99 = med(p99, 1, third); b99 = med(p99, n - third + 1, n)
    d_rss = r0 ? 100 * (r1 - r0) / r0 : 0
    d50 = 100 * (b50 - a50) / a50; d99 = 100 * (b99 - a99) / a99
    printf "soak: %d repetitions; RSS %d -> %d KiB (%+.2f%%); p50 %.3f -> %.3f ms (%+.2f%%); p99 %.3f -> %.3f ms (%+.2f%%)\n", n, r0, r1, d_rss, a50, b50, d50, a99, b99, d99
    bad = (d_rss > tol || d_rss < -tol || d50 > tol || d50 < -tol || d99 > tol || d99 < -tol)
    printf "soak: %s (tolerance %s%%); data in %s\n", bad ? "NOT FLAT" : "flat", tol, out
    exit bad
  }' "$out/samples.csv" "$out/reps.csv"
