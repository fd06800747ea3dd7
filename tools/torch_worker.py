#!/usr/bin/python3
"""PyTorch peer worker for `inferlab bench/compare --backend pytorch` (timing only).

Builds the same architecture as an inferlab zoo model in torchvision (resnet50, mobilenet_v2,
ssd300_vgg16 without its post-processing) with random weights: it cannot read arbitrary ONNX
files, and its outputs are not comparable with the model's (different weights). Speaks
inferlab's line-delimited JSON protocol on stdin/stdout (docs/bench.md); latencies are taken in
this process with time.perf_counter (monotonic), warm-up excluded, and sent back raw.
Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision).
"""
import json
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
import torchvision


def build(arch):
    m = torchvision.models
    if arch == "resnet50":
        return m.resnet50(weights=None)
    if arch == "mobilenet_v2":
        return m.mobilenet_v2(weights=None)
    if arch == "ssd300_vgg16":
        ssd = m.detection.ssd300_vgg16(weights=None, weights_backbone=None)

        class Heads(torch.nn.Module):  # raw head outputs, as the ONNX model gives
            def __init__(self, ssd):
                super().__init__()
                self.backbone, self.head = ssd.backbone, ssd.head

            def forward(self, x):
                f = self.backbone(x)
                return self.head(list(f.values()))

        return Heads(ssd)
    raise RuntimeError(
        f"pytorch backend unavailable for this model: it rebuilds only the zoo architectures "
        f"(resnet50, mobilenet_v2, ssd300_vgg16), and this graph is named '{arch}'")


class Worker:
    def __init__(self):
        self.models, self.samples, self.pool = [], [], None
        self.inputs, self.in_flight = [], 1

    def load(self, r):
        cores = r.get("cores", 1)
        streams = r["streams"] if r.get("streams", 0) > 0 else (cores if r.get("hint") == "throughput" else 1)
        if not r.get("async", True):
            streams = 1
        threads = r["threads"] if r.get("threads", 0) > 0 else max(1, cores // streams)
        if r.get("precision", "f32") != "f32":
            raise RuntimeError(f"precision {r['precision']} is not available for pytorch here (f32 only)")
        torch.set_num_threads(threads)
        self.inputs = [i["name"] for i in r["inputs"]]
        t0 = time.perf_counter()
        for _ in range(streams):
            self.models.append(build(r.get("graph_name", "")).eval())
        ms = (time.perf_counter() - t0) * 1000
        self.in_flight = r["nireq"] if r.get("async", True) and r.get("nireq", 0) > 0 else streams
        self.pool = ThreadPoolExecutor(max_workers=streams)
        self.free = list(range(streams))
        self.lock = threading.Lock()
        return {"version": f"PyTorch {torch.__version__} (torchvision {torchvision.__version__}, random weights)",
                "compile_ms": ms, "in_flight": self.in_flight, "outputs": [],
                "settings": {"streams": streams, "threads_per_stream": threads,
                             "torch_num_threads": torch.get_num_threads(), "nireq": self.in_flight,
                             "api": "async" if r.get("async", True) else "sync", "mode": "eager, no_grad",
                             "pin": False}}

    def run(self, s):
        with self.lock:
            m = self.free.pop()
        try:
            with torch.no_grad():
                self.models[m](*self.samples[s])
        finally:
            with self.lock:
                self.free.append(m)

    def phase(self, mode, conc, spq, count, min_q, min_d, max_d, arrivals):
        lat, st = [], {"issued": 0, "completed": 0, "last": 0.0, "active": 0, "error": None}
        cv = threading.Condition()
        t0 = time.perf_counter()

        def more(now):
            el = now - t0
            if max_d > 0 and el >= max_d:
                return False
            return st["issued"] < min_q or el < min_d

        def issue(q, start):
            left = [spq]
            for k in range(spq):
                f = self.pool.submit(self.run, (q * spq + k) % count)
                f.add_done_callback(lambda f, q=q, start=start: done(f, left, start))

        def done(f, left, start):
            now = time.perf_counter()
            nxt = None
            with cv:
                if f.exception() is not None and st["error"] is None:
                    st["error"] = str(f.exception())
                left[0] -= 1
                if left[0] > 0:
                    return
                lat.append((now - start) * 1000)
                st["last"] = now
                st["completed"] += 1
                if mode == "closed" and st["error"] is None and more(now):
                    nxt = st["issued"]
                    st["issued"] += 1
                else:
                    st["active"] -= 1
                    cv.notify_all()
            if nxt is not None:
                issue(nxt, time.perf_counter())

        if mode == "closed":
            initial = conc if min_d > 0 else min(conc, min_q)
            with cv:
                st["issued"] = st["active"] = initial
            for q in range(initial):
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
                    st["issued"] += 1
                    st["active"] += 1
                issue(q, at)
        with cv:
            cv.wait_for(lambda: st["active"] == 0)
        if st["error"]:
            raise RuntimeError(st["error"])
        return lat, st["issued"], st["completed"], (st["last"] - t0) if st["completed"] else 0.0

    def measure(self, p):
        spq, count = p["samples_per_query"], p["sample_count"]
        first, _, _, _ = self.phase("closed", 1, spq, count, 1, 0, 0, [])
        warm = []
        if p["warmup_queries"] > 0:
            warm, _, _, _ = self.phase("closed", p["concurrency"], spq, count, p["warmup_queries"], 0, 0, [])
        lat, issued, completed, wall = self.phase(p["mode"], p["concurrency"], spq, count, p["min_queries"],
                                                  p["min_duration_s"], p["max_duration_s"], p["arrivals_s"])
        return {"first_inference_ms": first[0], "warmup_ms": warm, "latencies_ms": lat,
                "samples": completed * spq * p["batch"], "wall_s": wall, "issued": issued}

    def handle(self, r):
        cmd = r["cmd"]
        if cmd == "load":
            return self.load(r)
        if cmd == "samples":
            self.samples = [[torch.from_numpy(np.load(one[n]).astype(np.float32)) for n in self.inputs]
                            for one in r["files"]]
            return {}
        if cmd == "measure":
            return {"record": self.measure(r["plan"])}
        if cmd == "infer":
            return {"outputs": {}, "note": "random weights: outputs are not comparable"}
        if cmd == "stats":
            # VmHWM: this process's own peak (ru_maxrss would include the spawning parent's).
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return {"peak_rss_mb": int(line.split()[1]) / 1024}
            return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        raise RuntimeError(f"unknown command '{cmd}'")


def main():
    w = Worker()
    for line in sys.stdin:
        try:
            reply = {"ok": True, **w.handle(json.loads(line))}
        except Exception as e:  # every failure goes back as a protocol error
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
