#!/usr/bin/env bash
# Measurement validity of the openvino backend: OpenVINO's own benchmark_app (from .venv) and
# `inferlab bench --backend openvino` on the same ONNX file and configuration, for the latency
# and the throughput hints, runs alternated (benchmark_app, inferlab, benchmark_app, ...) so a
# drifting machine hits both alike. Prints per hint the median throughput of each, their
# ratio and the spread (min..max) over the repetitions. Target: within 5%.
#
#   bench/openvino_vs_benchmark_app.sh [--model NAME|FILE] [--reps N] [--time S] [--out DIR]
#
# Same configuration on both sides: CPU, the hint, f32 inference precision, pinning as the
# plugin sets it under a hint (benchmark_app accepts -pin only with -hint none; inferlab asks for
# pinning, the plugin's default here; both print what was used), the
# API benchmark_app picks for the hint (latency: sync, one request; throughput: async with the
# plugin's optimal number of requests, all kept busy: inferlab's offline scenario), input data
# filled once.
set -euo pipefail
cd "$(dirname "$0")/.."
model=resnet50 reps=3 secs=10 out=bench/out
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=build/inferlab
app=.venv/bin/benchmark_app
[ -x "$bin" ] || scripts/build.sh build
[ -x "$app" ] || { echo "no $app: run scripts/setup.sh" >&2; exit 2; }
mkdir -p "$out"
file=$model
if [ ! -f "$file" ]; then
  file="$out/$model.onnx"
  [ -f "$file" ] || "$bin" zoo "$model" -o "$file" >/dev/null
fi

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
spread() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.2f..%.2f", lo, hi}'; }

printf "%-10s %12s %14s %8s   %s\n" hint benchmark_app "inferlab-ov" ratio "spread (app | inferlab)"
for hint in latency throughput; do
  : >"$out/ov_app_$hint.txt"
  : >"$out/ov_inferlab_$hint.txt"
  for r in $(seq "$reps"); do
    "$app" -m "$file" -d CPU -hint "$hint" -t "$secs" -infer_precision f32 \
      >"$out/ov_app_${hint}_$r.log" 2>&1 || { cat "$out/ov_app_${hint}_$r.log" >&2; exit 1; }
    grep -E "Throughput: +[0-9.]+ FPS" "$out/ov_app_${hint}_$r.log" | awk '{print $(NF-1)}' \
      >>"$out/ov_app_$hint.txt"
    api=async scenario=offline
    [ "$hint" = latency ] && api=sync scenario=single_stream
    "$bin" bench "$file" --backend openvino --hint "$hint" --api $api --scenario $scenario -t "$secs" \
      --repetitions 1 --no-progress --no-db --json "$out/ov_inferlab_${hint}_$r.json" \
      >"$out/ov_inferlab_${hint}_$r.log" 2>&1 || { cat "$out/ov_inferlab_${hint}_$r.log" >&2; exit 1; }
    grep -E "^throughput" "$out/ov_inferlab_${hint}_$r.log" | awk '{print $2}' \
      >>"$out/ov_inferlab_$hint.txt"
  done
  a=$(median <"$out/ov_app_$hint.txt")
  b=$(median <"$out/ov_inferlab_$hint.txt")
  printf "%-10s %12.2f %14.2f %7.3fx   %s | %s\n" "$hint" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {print b / a}')" \
    "$(spread <"$out/ov_app_$hint.txt")" "$(spread <"$out/ov_inferlab_$hint.txt")"
done
grep -hE "NUM_STREAMS|ENABLE_CPU_PINNING|INFERENCE_NUM_THREADS|number of parallel infer requests" \
  "$out"/ov_app_*_1.log | sed 's/^/benchmark_app: /' | sort -u || true
