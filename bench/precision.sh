#!/usr/bin/env bash
# Throughput of the native engine per precision on one model, as ratios to native FP32 within
# one run: the precisions are measured alternately (f32, bf16, f32, bf16, ...) for N rounds so
# that load changes on a shared machine hit both, and the ratio of each round is reported with
# its median and spread (min..max). Raw JSON stays in OUT.
#
#   bench/precision.sh [--model zoo:resnet50|FILE.onnx] [--batch B] [--rounds N] [--time SECONDS]
#                      [--precisions f32,bf16[,i8][,ort]] [--f32-model FILE] [--out DIR]
#
# On a QDQ file (from `inferlab quantize`): --f32-model names the float model the f32 rows run
# (the QDQ file in f32 is the quantized graph on reference kernels, not native FP32), and the
# pseudo-precision `ort` runs ONNX Runtime on the same QDQ file (it executes QDQ models in
# int8 itself), in the same alternation, for the i8/ort ratio (target >= 1.25x).
# Targets (issue 8): bf16 >= 1.7x native f32; i8 >= 3x native f32 (on a QDQ model: pass the
# quantized FILE and --precisions f32,i8). Each configuration uses every core: one single-thread
# stream per core, offline scenario (the throughput configuration of engine_vs_ort.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
model=zoo:resnet50 batch=1 rounds=3 secs=10 precisions=f32,bf16 out=bench/out/precision f32model=
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --precisions) precisions=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --f32-model) f32model=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=build/inferlab
[ -x "$bin" ] || scripts/build.sh build
mkdir -p "$out"
cores=$(nproc)
file=$model
if [[ $model == zoo:* ]]; then
  file="$out/${model#zoo:}_b${batch}.onnx"
  [ -f "$file" ] || "$bin" zoo "${model#zoo:}" --batch "$batch" -o "$file" >/dev/null
fi
IFS=, read -r -a precs <<<"$precisions"
for r in $(seq 1 "$rounds"); do
  for p in "${precs[@]}"; do
    echo "== round $r: $p" >&2
    run_file=$file flags=(--precision "$p")
    [ "$p" = f32 ] && [ -n "$f32model" ] && run_file=$f32model
    [ "$p" = ort ] && flags=(--backend onnxruntime)
    "$bin" bench "$run_file" --batch "$batch" "${flags[@]}" --scenario offline --hint throughput \
      --streams "$cores" --threads 1 -t "$secs" --repetitions 1 --no-progress --no-db \
      --json "$out/${p}_r$r.json" >"$out/${p}_r$r.txt" 2>&1 ||
      { cat "$out/${p}_r$r.txt" >&2; exit 1; }
    grep -E '^(precision|throughput)' "$out/${p}_r$r.txt" >&2
  done
done

/usr/bin/python3 - "$out" "$rounds" "$precisions" "$file" <<'PY'
import json, statistics, sys
out, rounds, precs, model = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
fps = {p: [json.load(open(f"{out}/{p}_r{r}.json"))["throughput_fps"] for r in range(1, rounds + 1)]
       for p in precs}
layers = {p: json.load(open(f"{out}/{p}_r1.json")).get("precision_layers", "") for p in precs}
print(f"model {model}, {rounds} alternating rounds")
print(f"{'precision':<9} {'img/s median':>12} {'spread':>16}  layers")
for p in precs:
    v = fps[p]
    print(f"{p:<9} {statistics.median(v):12.2f} {min(v):7.2f}..{max(v):<7.2f}  {layers[p]}")
for p in precs:
    if p == "f32" or "f32" not in fps:
        continue
    ratio = [a / b for a, b in zip(fps[p], fps["f32"])]
    target = {"bf16": 1.7, "i8": 3.0}.get(p)
    verdict = "" if target is None else (" (target >= %.1fx: %s)" %
                                          (target, "met" if statistics.median(ratio) >= target else "NOT met"))
    print(f"{p}/f32 per round: median {statistics.median(ratio):.2f}x, "
          f"spread {min(ratio):.2f}..{max(ratio):.2f}x{verdict}")
if "i8" in fps and "ort" in fps:
    ratio = [a / b for a, b in zip(fps["i8"], fps["ort"])]
    print(f"i8/ort per round: median {statistics.median(ratio):.2f}x, "
          f"spread {min(ratio):.2f}..{max(ratio):.2f}x (target >= 1.25x: "
          f"{'met' if statistics.median(ratio) >= 1.25 else 'NOT met'})")
PY
