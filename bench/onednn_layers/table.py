#!/usr/bin/env python3
"""Markdown tables from the rows of onednn_layers runs (bench/onednn_versions.sh).

Usage: table.py [--peak F32,BF16,I8] [--baseline VERSION] [--stat wall|min|cpu] FILE_rN.tsv...
Each file is one run of one oneDNN build in round N (the number before .tsv). A configuration's
time is the median over rounds of its per-run median; min..max is over rounds. Ratios are
baseline time / other time computed per round (the builds alternate within a round), so > 1
means the other version is faster. The whole-network estimate sums count x time over the 53
convolutions of ResNet-50 (no pooling, fully connected layer, reorders or residual adds).
--peak: one core's FP32, BF16 and INT8 peaks in GFLOP/s (`inferlab peak`), for % of peak
(times the thread count).
--stat: the time of one run: wall (median wall ms per call, the default), min (fastest call), or
cpu (median process CPU ms per call / threads: on a loaded machine the least disturbed one-thread
figure, as preempted time does not count; with more threads it also counts barrier spinning).
"""
import argparse
import csv
import re
import statistics
import sys
from collections import defaultdict

PEAK_OF = {"f32": 0, "f32wino": 0, "bf16": 1, "i8": 2}


def die(message):
    print(f"table.py: {message}", file=sys.stderr)
    sys.exit(2)


STAT_COLUMN = {"wall": "median_ms", "min": "min_ms", "cpu": "cpu_ms"}


def load(paths, stat):
    """rows[(version, kind, layer, batch, threads)][round] = (ms, impl); plus layer info."""
    rows = defaultdict(dict)
    layers = {}  # layer -> (count, first-seen order)
    for path in paths:
        m = re.search(r"_r(\d+)\.tsv$", path)
        if not m:
            die(f"{path}: file name must end in _rN.tsv (N: the round)")
        rnd = int(m.group(1))
        try:
            with open(path) as f:
                lines = [line for line in f if not line.startswith("#")]
        except OSError as e:
            die(f"{path}: {e.strerror}")
        for r in csv.DictReader(lines, delimiter="\t"):
            if r["version"] == "version":  # the header of a second run in the same file
                continue
            key = (r["version"], r["kind"], r["layer"], int(r["batch"]), int(r["threads"]))
            value = r[STAT_COLUMN[stat]]
            ms = None if value == "-" else float(value) / (int(r["threads"]) if stat == "cpu" else 1)
            rows[key][rnd] = (ms, r["impl"], float(r["gflop"]) / (ms * 1e-3) if ms else None)
            layers.setdefault(r["layer"], (int(r["count"]), len(layers), {}))
            layers[r["layer"]][2][int(r["batch"])] = float(r["gflop"])
    return rows, layers


def spread(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}..{max(values):.3f})"


def ratio_text(ratios):
    if not ratios:
        return "-"
    return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}..{max(ratios):.2f})"


SCHEME_NAMES = {
    "f32rule": "f32 auto rule (Winograd 3x3 s1)",
    "f32best": "f32 faster of direct/Winograd per layer",
}


def network(rows, layers, version, scheme, batch, threads):
    """{round: total ms} for one scheme, or None when a layer has no timing. Schemes: a kind;
    'f32rule': Winograd for 3x3 stride-1 layers where the version has it, else direct (the
    engine's `auto` rule; every such layer of ResNet-50 has >= 64 channels); 'f32best': the
    faster of direct and Winograd per layer and round (a bound: layout changes between layers
    would cost reorders, not counted here)."""
    totals = defaultdict(float)
    for layer, (count, _, _) in layers.items():
        timed = {}
        for kind in ["f32", "f32wino"] if scheme in SCHEME_NAMES else [scheme]:
            runs = rows.get((version, kind, layer, batch, threads))
            if runs and all(v[0] is not None for v in runs.values()):
                timed[kind] = runs
        if scheme == "f32rule" and "f32wino" in timed:
            del timed["f32"]
        if not timed:
            return None
        for rnd in set.intersection(*(set(runs) for runs in timed.values())):
            totals[rnd] += count * min(runs[rnd][0] for runs in timed.values())
    return dict(totals)


def gflop_of(layers, batch):
    """Direct-convolution GFLOP of the network (of the layers run) at this batch."""
    return sum(count * gflop[batch] for count, _, gflop in layers.values())


def pct(gflops, kind, threads, peaks):
    if not peaks:
        return "-"
    return f"{100 * gflops / (peaks[PEAK_OF[kind]] * threads):.0f}%"


def print_network(rows, layers, versions, base, peaks):
    convs = sum(count for count, _, _ in layers.values())
    print(f"## Whole-network estimate ({convs} of ResNet-50's 53 convolutions, fused ReLU)\n")
    head = ["batch", "threads", "scheme"]
    for v in versions:
        head += [f"{v} ms", f"{v} img/s", f"{v} % peak"]
    head += [f"{base}/{v} per round" for v in versions if v != base]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    batches = sorted({k[3] for k in rows})
    threads_list = sorted({k[4] for k in rows})
    kinds = sorted({k[1] for k in rows} - {"f32wino"}, key=list(PEAK_OF).index)
    schemes = kinds + (list(SCHEME_NAMES) if any(k[1] == "f32wino" for k in rows) else [])
    for b in batches:
        gflop = gflop_of(layers, b)
        for t in threads_list:
            for s in schemes:
                tot = {v: network(rows, layers, v, s, b, t) for v in versions}
                cells = [str(b), str(t), SCHEME_NAMES.get(s, s)]
                for v in versions:
                    if not tot[v]:
                        cells += ["-", "-", "-"]
                        continue
                    ms = statistics.median(tot[v].values())
                    rate = gflop / (ms * 1e-3)
                    cells += [spread(list(tot[v].values())), f"{b * 1000 / ms:.1f}",
                              pct(rate, "f32" if s in SCHEME_NAMES else s, t, peaks)]
                for v in versions:
                    if v == base:
                        continue
                    if not tot[base] or not tot[v]:
                        cells.append("-")
                        continue
                    common = sorted(set(tot[base]) & set(tot[v]))
                    cells.append(ratio_text([tot[base][r] / tot[v][r] for r in common]))
                print("| " + " | ".join(cells) + " |")
    print()


def print_layers(rows, layers, versions, base, peaks):
    print("## Per layer (ms per call: median over rounds (min..max); GFLOP/s of direct FLOPs)\n")
    head = ["batch", "thr", "layer", "n", "kind"]
    for v in versions:
        head += [f"{v} impl", f"{v} ms", f"{v} GFLOP/s"]
    head += [f"{base}/{v}" for v in versions if v != base]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    keys = sorted({(k[3], k[4], k[2], k[1]) for k in rows},
                  key=lambda k: (k[0], k[1], layers[k[2]][1], list(PEAK_OF).index(k[3])))
    for b, t, layer, kind in keys:
        cells = [str(b), str(t), layer, str(layers[layer][0]), kind]
        runs = {v: rows.get((v, kind, layer, b, t), {}) for v in versions}
        for v in versions:
            timed = [x for x in runs[v].values() if x[0] is not None]
            impl = next(iter(runs[v].values()))[1] if runs[v] else "-"
            if not timed:
                cells += [impl, "-", "-"]
                continue
            gf = statistics.median(x[2] for x in timed)
            cells += [impl, spread([x[0] for x in timed]), f"{gf:.0f} ({pct(gf, kind, t, peaks)})"]
        for v in versions:
            if v == base:
                continue
            common = [r for r in runs[base] if r in runs[v] and runs[base][r][0] and runs[v][r][0]]
            cells.append(ratio_text([runs[base][r][0] / runs[v][r][0] for r in common]))
        print("| " + " | ".join(cells) + " |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peak", help="FP32,BF16,INT8 per-core peaks (GFLOP/s)")
    ap.add_argument("--baseline", help="version the ratios divide (default: the oldest)")
    ap.add_argument("--stat", choices=list(STAT_COLUMN), default="wall")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    peaks = None
    if a.peak:
        try:
            peaks = [float(x) for x in a.peak.split(",")]
        except ValueError:
            peaks = []
        if len(peaks) != 3 or min(peaks) <= 0:
            die(f"--peak wants three positive numbers F32,BF16,INT8, got {a.peak}")
    rows, layers = load(a.files, a.stat)
    versions = sorted({k[0] for k in rows}, key=lambda v: tuple(int(x) for x in v.split(".")))
    base = a.baseline or versions[0]
    if base not in versions:
        die(f"--baseline {base} is not among the runs' versions {versions}")
    print(f"Time per run: {a.stat} ({STAT_COLUMN[a.stat]}{' / threads' if a.stat == 'cpu' else ''}).\n")
    print_network(rows, layers, versions, base, peaks)
    print_layers(rows, layers, versions, base, peaks)


if __name__ == "__main__":
    main()
