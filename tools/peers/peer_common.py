"""What every Python peer worker shares: the line-delimited JSON protocol (docs/bench.md), the
load generator that follows inferlab's plan rules (first inference alone, warm-up, measured
phase; closed loop or open loop with scheduled arrivals) and the process statistics.

A worker supplies an engine object with:
  load(request) -> dict            version, settings, compile_ms, in_flight, outputs
  set_samples(list of {name: ndarray})
  submit(sample_index, done)       starts one inference; done(error_or_None) is called once, from
                                   any thread, when it finishes (submit may block while every
                                   request is busy, as OpenVINO's AsyncInferQueue does)
  infer({name: ndarray}) -> {name: ndarray}
  profile() -> list of layer dicts (optional; perf counters)
Latencies are taken here with time.perf_counter (monotonic) and sent back raw; inferlab
computes every statistic.
"""
import bisect
import json
import os
import sys
import threading
import time

import numpy as np


class LoadGenerator:
    """Runs one LoadPlan phase on an engine. Queries are issued from the calling thread (as
    benchmark_app's Python version does); completions arrive on the engine's threads."""

    def __init__(self, engine):
        self.engine = engine

    def phase(self, mode, conc, spq, count, min_q, min_d, max_d, arrivals, max_out=0):
        """Open loop: a query that arrives while `max_out` (> 0) are still outstanding means the
        system cannot keep up: issuing stops ("saturated", at "stopped_at" of the schedule) and
        only what is in flight drains, as in inferlab's loadgen (docs/reliability.md)."""
        lat = []
        st = {"issued": 0, "completed": 0, "active": 0, "last": 0.0, "error": None,
              "saturated": False, "stopped_at": 0.0, "done_at": []}
        cv = threading.Condition()

        def issue(q, start):
            left = [spq]

            def done(err):
                now = time.perf_counter()
                with cv:
                    if err is not None and st["error"] is None:
                        st["error"] = err
                    left[0] -= 1
                    if left[0] > 0:
                        return
                    lat.append((now - start) * 1000)
                    st["done_at"].append(time.perf_counter())  # ascending: taken under the lock
                    st["last"] = now
                    st["completed"] += 1
                    st["active"] -= 1
                    cv.notify_all()

            for k in range(spq):
                self.engine.submit((q * spq + k) % count, done)

        t0 = time.perf_counter()
        if mode == "closed":
            while True:
                with cv:
                    cv.wait_for(lambda: st["active"] < conc or st["error"] is not None)
                    el = time.perf_counter() - t0
                    stop = st["error"] is not None or (max_d > 0 and el >= max_d) or not (
                        st["issued"] < min_q or el < min_d)
                    if stop:
                        break
                    q = st["issued"]
                    st["issued"] += 1
                    st["active"] += 1
                issue(q, time.perf_counter())
        else:
            t0 = time.perf_counter() + 0.001
            for q, a in enumerate(arrivals):
                if max_d > 0 and a >= max_d:
                    break
                at = t0 + a
                while True:
                    d = at - time.perf_counter()
                    if d <= 0:
                        break
                    time.sleep(d if d > 0.001 else 0)
                with cv:
                    if st["error"] is not None:
                        break
                    # Outstanding when query q arrived: the earlier ones not completed by its arrival
                    # time. Counted by time, not now: a submit that blocks while every request is
                    # busy (OpenVINO) makes the loop issue late, so "active" alone never grows.
                    if max_out > 0 and q - bisect.bisect_right(st["done_at"], at) >= max_out:
                        st["saturated"], st["stopped_at"] = True, a
                        break
                    st["issued"] += 1
                    st["active"] += 1
                issue(q, at)  # latency counts from the scheduled arrival
        with cv:
            cv.wait_for(lambda: st["active"] == 0)
        if st["error"] is not None:
            raise RuntimeError(st["error"])
        wall = (st["last"] - t0) if st["completed"] else 0.0
        self.saturated, self.stopped_at = st["saturated"], st["stopped_at"]
        return lat, st["issued"], st["completed"], wall

    def measure(self, p):
        spq, count = p["samples_per_query"], p["sample_count"]
        first, _, _, _ = self.phase("closed", 1, spq, count, 1, 0, 0, [])
        warm = []
        if p["warmup_queries"] > 0:
            warm, _, _, _ = self.phase("closed", p["concurrency"], spq, count, p["warmup_queries"], 0, 0, [])
        lat, issued, completed, wall = self.phase(p["mode"], p["concurrency"], spq, count, p["min_queries"],
                                                  p["min_duration_s"], p["max_duration_s"], p["arrivals_s"],
                                                  p.get("max_outstanding", 0))
        return {"first_inference_ms": first[0], "warmup_ms": warm, "latencies_ms": lat,
                "samples": completed * spq * p["batch"], "wall_s": wall, "issued": issued,
                "saturated": self.saturated, "stopped_at_s": self.stopped_at}


def peak_rss_mb():
    # VmHWM: this process's own peak (ru_maxrss would include the spawning parent's).
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def default_streams(r):
    """Streams for backends without a hint of their own: --streams, else 1 for latency and one
    per core for throughput (as the ONNX Runtime and PyTorch workers do); sync: 1."""
    if not r.get("async", True):
        return 1
    if r.get("streams", 0) > 0:
        return r["streams"]
    return r.get("cores", 1) if r.get("hint") == "throughput" else 1


def write_outputs(outputs, out_dir):
    files = {}
    for i, (name, arr) in enumerate(outputs.items()):
        f = os.path.join(out_dir, f"out{i}.npy")
        np.save(f, np.ascontiguousarray(arr))
        files[name] = f
    return files


def handle(engine, gen, r):
    cmd = r["cmd"]
    if cmd == "load":
        return engine.load(r)
    if cmd == "samples":
        engine.set_samples([{n: np.load(f) for n, f in one.items()} for one in r["files"]])
        return {}
    if cmd == "measure":
        return {"record": gen.measure(r["plan"])}
    if cmd == "infer":
        ins = {n: np.load(f) for n, f in r["inputs"].items()}
        return {"outputs": write_outputs(engine.infer(ins), r["output_dir"])}
    if cmd == "profile":
        if not hasattr(engine, "profile"):
            raise RuntimeError("this backend has no per-layer counters")
        return {"layers": engine.profile()}
    if cmd == "stats":
        return {"peak_rss_mb": peak_rss_mb()}
    raise RuntimeError(f"unknown command '{cmd}'")


def protocol_channel():
    """The reply channel: the original stdout. File descriptor 1 then goes to stderr (the
    worker's log), so that whatever a library prints cannot corrupt the protocol. Call first."""
    out = os.fdopen(os.dup(1), "w")
    sys.stdout.flush()
    os.dup2(2, 1)
    return out


def serve(engine, out):
    """The protocol loop: one request line in, one reply line out, until EOF."""
    gen = LoadGenerator(engine)
    for line in sys.stdin:
        try:
            reply = {"ok": True, **handle(engine, gen, json.loads(line))}
        except Exception as e:  # every failure goes back as a protocol error
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
