#!/usr/bin/env bash
# Throughput of the native engine per precision on one model, as ratios to native FP32 within
# one run: the precisions are measured alternately (f32, bf16, f32, bf16, ...) for N rounds so
# that load changes on a shared machine hit both, and the ratio of each round is reported with
# its median and spread (min..max). Raw JSON stays in OUT.
#
#   bench/precision.sh [--model zoo:resnet50|FILE.onnx] [--batch B] [--rounds N] [--time SECONDS]
#                      [--precisions f32,bf16[,i8][,ort][,ov]] [--f32-model FILE] [--out DIR]
#                      [--calibration DIR --preset P [--samples N]] [--agreement N] [--quick]
#
# On a QDQ file (from `inferlab quantize`): --f32-model names the float model the f32 and bf16 rows run
# (the QDQ file in f32 is the quantized graph on reference kernels, not native FP32), and the
# pseudo-precisions `ort` and `ov` run ONNX Runtime and OpenVINO on the same QDQ file (both
# execute QDQ models in int8 themselves), in the same alternation, for the i8/ort ratio (target
# >= 1.25x) and i8/ov. --calibration DIR --preset P makes that QDQ file first: the model is
# quantized with `inferlab quantize` (--samples images, default 50) and the f32 and bf16 rows run the
# original. --agreement N: top-1 agreement of native i8 and OpenVINO i8 outputs on the first N
# images of the calibration folder (`accuracy --predictions`, compared image by image).
# --quick: 3 rounds of 3 s and 50 agreement images (a smoke run; quote it as such).
# Targets (issue 8): bf16 >= 1.7x native f32; i8 >= 3x native f32 (on a QDQ model: pass the
# quantized FILE and --precisions f32,i8). Each configuration uses every core: one single-thread
# stream per core, offline scenario (the throughput configuration of engine_vs_peers.sh).
# OpenVINO needs the project's .venv (scripts/setup.sh) or INFERLAB_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
model=zoo:resnet50 batch=1 rounds=3 secs=10 precisions=f32,bf16 out=bench/out/precision f32model=
calib= preset= samples=50 agreement=0 quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --calibration) calib=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --agreement) agreement=$2; shift 2 ;;
    --quick) quick=1; shift ;;
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
if [ "$quick" = 1 ]; then
  rounds=3 secs=3
  [ "$agreement" -gt 50 ] && agreement=50
fi
bin=build/inferlab
[ -x "$bin" ] || scripts/build.sh build
mkdir -p "$out"
cores=$(nproc)
file=$model
if [[ $model == zoo:* ]]; then
  file="$out/${model#zoo:}_b${batch}.onnx"
  [ -f "$file" ] || "$bin" zoo "${model#zoo:}" --batch "$batch" -o "$file" >/dev/null
fi
if [ -n "$calib" ]; then
  [ -n "$preset" ] || { echo "--calibration needs --preset" >&2; exit 2; }
  qdq="$out/$(basename "${file%.onnx}")_qdq.onnx"
  echo "== quantizing $file on $samples images of $calib" >&2
  "$bin" quantize "$file" --dataset "$calib" --preset "$preset" --samples "$samples" -o "$qdq" \
    --calibration-list "$out/calibration.txt" >"$out/quantize.txt" 2>&1 ||
    { cat "$out/quantize.txt" >&2; exit 1; }
  tail -n 2 "$out/quantize.txt" >&2
  f32model=$file file=$qdq
fi
IFS=, read -r -a precs <<<"$precisions"
for r in $(seq 1 "$rounds"); do
  for p in "${precs[@]}"; do
    echo "== round $r: $p" >&2
    run_file=$file flags=(--precision "$p")
    [[ $p == f32 || $p == bf16 ]] && [ -n "$f32model" ] && run_file=$f32model
    [ "$p" = ort ] && flags=(--backend onnxruntime)
    [ "$p" = ov ] && flags=(--backend openvino --precision i8)
    "$bin" bench "$run_file" --batch "$batch" "${flags[@]}" --scenario offline --hint throughput \
      --streams "$cores" --threads 1 -t "$secs" --repetitions 1 --no-progress --no-db \
      --json "$out/${p}_r$r.json" >"$out/${p}_r$r.txt" 2>&1 ||
      { cat "$out/${p}_r$r.txt" >&2; exit 1; }
    grep -E '^(precision|throughput)' "$out/${p}_r$r.txt" >&2
  done
done

if [ "$agreement" -gt 0 ]; then
  [ -n "$calib" ] || { echo "--agreement needs --calibration DIR --preset P (its images)" >&2; exit 2; }
  for b in native openvino; do
    echo "== agreement: $b i8 on $agreement images" >&2
    "$bin" accuracy "$file" --dataset "$calib" --preset "$preset" --backend "$b" --precision i8 \
      --limit "$agreement" --predictions "$out/agree_$b.json" --max-skipped 1 \
      >"$out/agree_$b.txt" 2>&1 || { cat "$out/agree_$b.txt" >&2; exit 1; }
  done
fi

/usr/bin/python3 - "$out" "$rounds" "$precisions" "$file" "$agreement" <<'PY'
import json, statistics, sys
out, rounds, precs, model = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
agreement = int(sys.argv[5])
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
if "i8" in fps and "ov" in fps:
    ratio = [a / b for a, b in zip(fps["i8"], fps["ov"])]
    print(f"i8/ov (OpenVINO int8) per round: median {statistics.median(ratio):.2f}x, "
          f"spread {min(ratio):.2f}..{max(ratio):.2f}x")
if agreement:
    nat = {p["image"]: p for p in json.load(open(f"{out}/agree_native.json"))["predictions"]}
    ov = {p["image"]: p for p in json.load(open(f"{out}/agree_openvino.json"))["predictions"]}
    common = sorted(set(nat) & set(ov))
    same = sum(nat[i]["top5"][0] == ov[i]["top5"][0] for i in common)
    print(f"top-1 agreement native i8 vs OpenVINO i8: {same}/{len(common)} images "
          f"({100 * same / max(1, len(common)):.1f}%)")
PY
