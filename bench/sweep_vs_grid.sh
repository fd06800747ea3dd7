#!/usr/bin/env bash
# Does `inferlab sweep` (its default grid and pruning rule) find the best configuration? Its
# best-throughput configuration is compared with the best of a manual grid measured with plain
# `inferlab bench` runs (batch 1,2,4,8,16 x every streams count dividing the cores, threads =
# cores / streams, offline scenario). Because one pass of each is one noisy sample, the two
# winning configurations are then re-measured alternately for N rounds; the ratio
# sweep-best / grid-best of each round is reported with its median and spread.
# Target (issue 11): median ratio >= 0.97 (the sweep's best within 3% of the manual grid's).
#
#   bench/sweep_vs_grid.sh [--model zoo:resnet50|FILE.onnx] [--time SECONDS] [--rounds N] [--out DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
model=zoo:resnet50 secs=3 rounds=3 out=bench/out/sweep_vs_grid
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=build/inferlab
[ -x "$bin" ] || scripts/build.sh build
mkdir -p "$out"
rm -f "$out"/*.json "$out/sweep.db"
cores=$(nproc)
file=$model
if [[ $model == zoo:* ]]; then
  file="$out/${model#zoo:}.onnx"
  [ -f "$file" ] || "$bin" zoo "${model#zoo:}" -o "$file" >/dev/null
fi

bench_one() {  # bench_one OUT.json BATCH STREAMS THREADS
  "$bin" bench "$file" --batch "$2" --streams "$3" --threads "$4" --scenario offline \
    --hint throughput -t "$secs" --repetitions 3 --no-progress --no-db --json "$1" >"$1.txt" 2>&1 ||
    { cat "$1.txt" >&2; exit 1; }
}

echo "== sweep (defaults, $secs s x 3 repetitions per point)" >&2
"$bin" sweep "$file" -t "$secs" --repetitions 3 --db "$out/sweep.db" --json "$out/sweep.json" \
  >"$out/sweep.txt" 2>&1 || { cat "$out/sweep.txt" >&2; exit 1; }
grep -A2 'best throughput' "$out/sweep.txt" >&2 || true

echo "== manual grid" >&2
for b in 1 2 4 8 16; do
  for ((s = 1; s <= cores; s++)); do
    ((cores % s == 0)) || continue
    bench_one "$out/grid_b${b}_s${s}.json" "$b" "$s" $((cores / s))
    echo "   b$b s$s t$((cores / s)): $(grep -m1 "^throughput" "$out/grid_b${b}_s${s}.json.txt")" >&2
  done
done

read -r sb ss st gb gs gt < <(/usr/bin/python3 - "$out" <<'PY'
import glob, json, sys
out = sys.argv[1]
best = json.load(open(f"{out}/sweep.json"))["answers"][0]["best_throughput"]
p = best["point"]
grid = max(glob.glob(f"{out}/grid_*.json"), key=lambda f: json.load(open(f))["throughput_fps"])
g = json.load(open(grid))
print(p["batch"], best["streams_used"], best["threads_used"], g["batch"], g["streams"],
      g["threads"])
PY
)
echo "== sweep best: b$sb s$ss t$st; grid best: b$gb s$gs t$gt; $rounds alternating rounds" >&2
for r in $(seq 1 "$rounds"); do
  bench_one "$out/round${r}_sweep.json" "$sb" "$ss" "$st"
  bench_one "$out/round${r}_grid.json" "$gb" "$gs" "$gt"
done

/usr/bin/python3 - "$out" "$rounds" "$sb/$ss/$st" "$gb/$gs/$gt" <<'PY'
import json, statistics, sys
out, rounds, sweep_cfg, grid_cfg = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
fps = lambda f: json.load(open(f))["throughput_fps"]
s = [fps(f"{out}/round{r}_sweep.json") for r in range(1, rounds + 1)]
g = [fps(f"{out}/round{r}_grid.json") for r in range(1, rounds + 1)]
ratios = [a / b for a, b in zip(s, g)]
med = statistics.median(ratios)
print(f"sweep best (batch/streams/threads {sweep_cfg}): median {statistics.median(s):.2f} samples/s")
print(f"grid best  (batch/streams/threads {grid_cfg}): median {statistics.median(g):.2f} samples/s")
print(f"ratio sweep/grid: median {med:.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}, "
      f"{rounds} rounds); target >= 0.97: {'met' if med >= 0.97 else 'NOT met'}")
PY
