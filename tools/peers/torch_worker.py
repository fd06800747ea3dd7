"""PyTorch peer worker for `inferlab bench/compare --backend pytorch` (the project's .venv
python; torch and onnx2torch from scripts/requirements.txt).

onnx2torch converts the ONNX file itself (graph and weights) into a torch.fx module, so the
outputs are compared like every backend's. Streams: one Python thread per stream calling the
same module under torch.inference_mode; threads per stream: torch.set_num_threads (each calling
thread gets its own OpenMP team of that size). f32 only; no pinning.
"""
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402

OUT = peer_common.protocol_channel()

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnx2torch  # noqa: E402
from importlib.metadata import version  # noqa: E402
import torch  # noqa: E402


class Engine:
    def __init__(self):
        self.samples, self.pool = [], None

    def load(self, r):
        if r.get("precision", "f32") != "f32":
            raise RuntimeError(f"precision {r['precision']} is not available for pytorch (f32 only)")
        streams = peer_common.default_streams(r)
        threads = r["threads"] if r.get("threads", 0) > 0 else max(1, r.get("cores", 1) // streams)
        torch.set_num_threads(threads)
        t0 = time.perf_counter()
        model = onnx.load(r["model"])
        self.inputs = [i["name"] for i in r["inputs"]]
        self.outputs = [o.name for o in model.graph.output]
        try:
            self.module = onnx2torch.convert(model).eval()
        except Exception as e:
            raise RuntimeError(f"pytorch: onnx2torch cannot convert this model: {e}") from None
        ms = (time.perf_counter() - t0) * 1000
        self.pool = ThreadPoolExecutor(max_workers=streams)
        in_flight = r["nireq"] if r.get("async", True) and r.get("nireq", 0) > 0 else streams
        settings = {"streams": streams, "threads_per_stream": threads,
                    "torch_num_threads": torch.get_num_threads(), "nireq": in_flight,
                    "api": "async" if r.get("async", True) else "sync",
                    "mode": "eager torch.fx (onnx2torch), inference_mode",
                    "mkldnn": torch.backends.mkldnn.is_available(), "pin": False}
        return {"version": f"PyTorch {torch.__version__} (onnx2torch {version('onnx2torch')})",
                "compile_ms": ms, "in_flight": in_flight, "outputs": self.outputs, "settings": settings}

    def _forward(self, tensors):
        with torch.inference_mode():
            out = self.module(*tensors)
        return out if isinstance(out, (list, tuple)) else [out]

    def set_samples(self, samples):
        self.samples = [[torch.from_numpy(np.ascontiguousarray(s[n])) for n in self.inputs] for s in samples]

    def _run(self, sample, done):
        try:
            self._forward(self.samples[sample])
            done(None)
        except Exception as e:  # the load generator reports it
            done(f"{type(e).__name__}: {e}")

    def submit(self, sample, done):
        self.pool.submit(self._run, sample, done)

    def infer(self, inputs):
        outs = self._forward([torch.from_numpy(np.ascontiguousarray(inputs[n])) for n in self.inputs])
        return {name: t.numpy() for name, t in zip(self.outputs, outs)}


if __name__ == "__main__":
    peer_common.serve(Engine(), OUT)
