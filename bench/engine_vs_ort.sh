#!/usr/bin/env bash
# Performance targets of the optimized FP32 engine against the best peer, ONNX Runtime 1.30 or
# OpenVINO 2026.4 (from .venv; a missing peer is left out of "best"), measured with
# `inferlab compare` (same ONNX file, same seeded inputs, same cores, backends run alternately,
# N repetitions each, spread reported). Prints one summary table; raw JSON stays in OUT.
#
#   bench/engine_vs_ort.sh [--reps N] [--time SECONDS] [--out DIR] [--quick]
#
# Targets (issue 4, now against the best peer): ResNet-50 throughput >= 1.2x (best
# batch/streams for each), ResNet-50 batch-1 latency <= 0.9x, SSD300 throughput >= 1.6x;
# fraction of the FP32 FMA peak, peak RSS at batch 1 and compile time are reported.
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
  "$bin" compare "$file" --backends native,onnxruntime,openvino --repetitions "$reps" -t "$secs" \
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

PEERS = ("onnxruntime", "openvino")
rows = []
lat = load("r50_latency")
n = lat["native"]
lp = {k: lat[k] for k in PEERS if k in lat}
bl = min(lp, key=lambda k: lp[k]["latency_ms"]["p50"])
lr = n["latency_ms"]["p50"] / lp[bl]["latency_ms"]["p50"]
cell = lambda d, k, f: f(d[k]) if k in d else "missing"  # noqa: E731
rows.append(("ResNet-50 b1 latency p50 (ms)", f'{n["latency_ms"]["p50"]:.2f}',
             *[cell(lp, k, lambda b: f'{b["latency_ms"]["p50"]:.2f}') for k in PEERS],
             f"{lr:.2f}x {bl}", "<= 0.90x", "met" if lr <= 0.9 else "NOT met"))
for label, prefix, target in (("ResNet-50 best throughput (img/s)", "r50_thr", 1.2),
                              ("SSD300 best throughput (img/s)", "ssd_thr", 1.6)):
    b = best(prefix)
    nn, nb = b["native"]
    pb = {k: b[k] for k in PEERS if k in b}
    bp = max(pb, key=lambda k: pb[k][1]["throughput_fps"])
    r = nb["throughput_fps"] / pb[bp][1]["throughput_fps"]
    rows.append((label, f'{nb["throughput_fps"]:.2f} [{spread(reps_fps(nb))}] ({nn})',
                 *[cell(pb, k, lambda x: f'{x[1]["throughput_fps"]:.2f} [{spread(reps_fps(x[1]))}] ({x[0]})')
                   for k in PEERS],
                 f"{r:.2f}x {bp}", f">= {target:.1f}x", "met" if r >= target else "NOT met"))
    if prefix == "r50_thr":
        for who, bb in [("inferlab", nb)] + [(k, pb[k][1]) for k in pb]:
            g = 8.178368512 * bb["throughput_fps"] / cores
            rows.append((f"ResNet-50 GFLOP/s per core, {who}", f"{g:.1f}", "", "", f"{100 * g / peak:.0f}% of peak", "", ""))
rows.append(("ResNet-50 b1 peak RSS (MB)", f'{n["peak_rss_mb"]:.0f}',
             *[cell(lp, k, lambda b: f'{b["peak_rss_mb"]:.0f}') for k in PEERS], "", "", ""))
rows.append(("ResNet-50 compile (ms)", f'{n["compile_ms"]:.0f}',
             *[cell(lp, k, lambda b: f'{b["compile_ms"]:.0f}') for k in PEERS], "", "< 1000 (inferlab)",
             "met" if n["compile_ms"] < 1000 else "NOT met"))
print(f"\nFP32 FMA peak of one core: {peak:.1f} GFLOP/s; {cores} cores; {n['repetitions']} repetitions per backend and configuration, alternating")
hdr = ("metric", "inferlab", "onnxruntime", "openvino", "ratio to best peer", "target", "")
w = [max(len(r[i]) for r in rows + [hdr]) for i in range(7)]
print("  ".join(h.ljust(w[i]) for i, h in enumerate(hdr)))
for r in rows:
    print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
PY
