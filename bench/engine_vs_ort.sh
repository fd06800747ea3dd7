#!/usr/bin/env bash
# Performance targets of the optimized FP32 engine against ONNX Runtime 1.30, measured with
# `inferlab compare` (same ONNX file, same seeded inputs, same cores, backends run alternately,
# N repetitions each, spread reported). Prints one summary table; raw JSON stays in OUT.
#
#   bench/engine_vs_ort.sh [--reps N] [--time SECONDS] [--out DIR] [--quick]
#
# Targets (issue 4): ResNet-50 throughput >= 1.2x ORT (best batch/streams for each), ResNet-50
# batch-1 latency <= 0.9x ORT's, SSD300 throughput >= 1.6x ORT; fraction of the FP32 FMA peak,
# peak RSS at batch 1 and compile time are reported.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=3 secs=10 out=bench/out quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=build/inferlab
[ -x "$bin" ] || scripts/build.sh build
mkdir -p "$out"
cores=$(nproc)

# One file per batch size: the zoo writes a fixed batch, and ONNX Runtime (unlike inferlab's
# --batch) cannot re-specialise a fixed dimension, so every toolkit gets the same file.
cmp() {  # cmp NAME MODEL BATCH [compare options...]
  local name=$1 model=$2 batch=$3; shift 3
  local file="$out/${model}_b${batch}.onnx"
  [ -f "$file" ] || "$bin" zoo "$model" --batch "$batch" -o "$file" >/dev/null
  echo "== $name: batch $batch $*" >&2
  "$bin" compare "$file" --backends native,onnxruntime --repetitions "$reps" -t "$secs" \
    --no-progress --db "$out/results.db" --json "$out/$name.json" "$@" >"$out/$name.txt" 2>&1 ||
    { cat "$out/$name.txt" >&2; exit 1; }
  tail -n 8 "$out/$name.txt" >&2
}

# Latency: batch 1, one stream over all cores, one request at a time.
cmp r50_latency resnet50 1 --scenario single_stream --hint latency
# Throughput: offline scenario over a small grid of batch x streams; the best of each backend
# counts (ORT maps streams to sessions with cores/streams intra-op threads each).
grid="1:$cores 8:1"
[ "$quick" = 1 ] || grid="1:$cores 4:1 8:1 4:$cores"
for cfg in $grid; do
  b=${cfg%%:*} s=${cfg##*:}
  cmp "r50_thr_b${b}_s${s}" resnet50 "$b" --scenario offline --hint throughput --streams "$s" \
    --threads $((cores / s))
done
sgrid="1:$cores 4:1 1:1"
[ "$quick" = 1 ] && sgrid="1:$cores 4:1"
for cfg in $sgrid; do
  b=${cfg%%:*} s=${cfg##*:}
  cmp "ssd_thr_b${b}_s${s}" ssd300 "$b" --scenario offline --hint throughput --streams "$s" \
    --threads $((cores / s))
done
"$bin" peak --repetitions 3 >"$out/peak.txt"
cat "$out/peak.txt" >&2

/usr/bin/python3 - "$out" "$cores" <<'PY'
import glob, json, os, re, statistics, sys
out, cores = sys.argv[1], int(sys.argv[2])
peak = float(re.search(r"([0-9.]+) GFLOP/s", open(f"{out}/peak.txt").read()).group(1))

def load(name):
    d = json.load(open(f"{out}/{name}.json"))
    return {b["backend"]: b for b in d["backends"] if b.get("status", "ok") == "ok"}

def reps_fps(b):
    return [r["throughput_fps"] for r in b["per_repetition"]]

def spread(v):
    return f"{min(v):.2f}..{max(v):.2f}"

def best(prefix):
    res = {}
    for f in sorted(glob.glob(f"{out}/{prefix}_*.json")):
        name = os.path.basename(f)[:-5]
        for k, b in load(name).items():
            if k not in res or b["throughput_fps"] > res[k][1]["throughput_fps"]:
                res[k] = (name, b)
    return res

rows = []
lat = load("r50_latency")
n, o = lat["native"], lat["onnxruntime"]
lr = n["latency_ms"]["p50"] / o["latency_ms"]["p50"]
rows.append(("ResNet-50 b1 latency p50 (ms)", f'{n["latency_ms"]["p50"]:.2f}', f'{o["latency_ms"]["p50"]:.2f}',
             f"{lr:.2f}x", "<= 0.90x", "met" if lr <= 0.9 else "NOT met"))
for label, prefix, target in (("ResNet-50 best throughput (img/s)", "r50_thr", 1.2),
                              ("SSD300 best throughput (img/s)", "ssd_thr", 1.6)):
    b = best(prefix)
    (nn, nb), (on, ob) = b["native"], b["onnxruntime"]
    r = nb["throughput_fps"] / ob["throughput_fps"]
    rows.append((label, f'{nb["throughput_fps"]:.2f} [{spread(reps_fps(nb))}] ({nn})',
                 f'{ob["throughput_fps"]:.2f} [{spread(reps_fps(ob))}] ({on})', f"{r:.2f}x", f">= {target:.1f}x",
                 "met" if r >= target else "NOT met"))
    if prefix == "r50_thr":
        for who, bb in (("inferlab", nb), ("onnxruntime", ob)):
            g = 8.178368512 * bb["throughput_fps"] / cores
            rows.append((f"ResNet-50 GFLOP/s per core, {who}", f"{g:.1f}", "", f"{100 * g / peak:.0f}% of peak", "", ""))
rows.append(("ResNet-50 b1 peak RSS (MB)", f'{n["peak_rss_mb"]:.0f}', f'{o["peak_rss_mb"]:.0f}', "", "", ""))
rows.append(("ResNet-50 compile (ms)", f'{n["compile_ms"]:.0f}', f'{o["compile_ms"]:.0f}', "", "< 1000 (inferlab)",
             "met" if n["compile_ms"] < 1000 else "NOT met"))
print(f"\nFP32 FMA peak of one core: {peak:.1f} GFLOP/s; {cores} cores; {lat['native']['repetitions']} repetitions per backend and configuration, alternating")
w = [max(len(r[i]) for r in rows) for i in range(6)]
hdr = ("metric", "inferlab", "onnxruntime", "ratio", "target", "")
print("  ".join(h.ljust(w[i]) for i, h in enumerate(hdr)))
for r in rows:
    print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
PY
