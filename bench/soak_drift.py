"""The soak's latency drift (bench/soak.sh): first third of the run against the last third.

Two statistics, each with its no-trend band (95% range of the same statistic over random
orders of the same repetitions, seeded):
  - pooled: the nearest-rank p50/p99 of all queries of each third, from `bench --latency-log`
    (1-us histograms; each third holds ~1/3 of the run's queries). This is the test: exit 1
    when its drift exceeds the tolerance.
  - windows: the median of the 10-s repetitions' own p50/p99 (reported only: a window's p99
    rests on its ~1% slowest queries and scatters by tens of percent).
Usage: soak_drift.py LATENCY_LOG REPS_CSV TOLERANCE_PERCENT
"""

import csv
import random
import sys

import numpy as np


def load_histograms(path):
    rows = list(csv.DictReader(open(path)))
    reps = sorted({int(r["repetition"]) for r in rows if r["kind"] == "repetition"})
    bins = np.array(sorted({int(r["latency_us"]) for r in rows}))
    index = {us: i for i, us in enumerate(bins)}
    h = np.zeros((len(reps), len(bins)), dtype=np.int64)
    pos = {rep: i for i, rep in enumerate(reps)}
    for r in rows:
        if r["kind"] == "repetition":
            h[pos[int(r["repetition"])], index[int(r["latency_us"])]] += int(r["queries"])
    return bins, h


def nearest_rank(bins, counts, p):
    rank = int(np.ceil(p / 100 * counts.sum()))
    return bins[np.searchsorted(np.cumsum(counts), max(rank, 1))] / 1000.0


def drift(first, last):
    return 100.0 * (last / first - 1.0)


def band(values, rng, stat, n=500):
    order = list(range(len(values)))
    d = []
    for _ in range(n):
        rng.shuffle(order)
        d.append(stat(order))
    d.sort()
    return d[int(0.025 * n)], d[int(0.975 * n) - 1]


def main():
    log, reps_csv, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    bins, h = load_histograms(log)
    n = h.shape[0]
    t = max(1, n // 3)
    rng = random.Random(1)
    bad = False
    for p in (50, 99):
        def pooled(order):
            a = nearest_rank(bins, h[order[:t]].sum(axis=0), p)
            b = nearest_rank(bins, h[order[-t:]].sum(axis=0), p)
            return drift(a, b)
        a = nearest_rank(bins, h[:t].sum(axis=0), p)
        b = nearest_rank(bins, h[-t:].sum(axis=0), p)
        d = drift(a, b)
        lo, hi = band(range(n), rng, pooled)
        bad |= abs(d) > tol
        print(f"soak: p{p} pooled per third {a:.3f} -> {b:.3f} ms ({d:+.2f}%; "
              f"no-trend band {lo:+.2f}% .. {hi:+.2f}%)")
    windows = list(csv.DictReader(open(reps_csv)))
    for col in ("p50_ms", "p99_ms"):
        v = [float(r[col]) for r in windows]
        d = drift(float(np.median(v[:t])), float(np.median(v[-t:])))
        lo, hi = band(v, rng, lambda o: drift(float(np.median([v[i] for i in o[:t]])),
                                               float(np.median([v[i] for i in o[-t:]]))))
        print(f"soak: {col[:3]} median of 10-s windows {d:+.2f}% (no-trend band {lo:+.2f}% .. "
              f"{hi:+.2f}%; reported, not tested)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
