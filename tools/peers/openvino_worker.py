"""OpenVINO peer worker for `inferlab bench/compare --backend openvino` (run with the project's
.venv python, openvino from scripts/requirements.txt).

Reads the same ONNX file with ov.Core.read_model, reshapes it to inferlab's input shapes and
compiles it for the CPU with inferlab's settings mapped onto OpenVINO's properties:
  --hint latency|throughput  PERFORMANCE_HINT        --streams N   NUM_STREAMS
  --threads T (per stream)   INFERENCE_NUM_THREADS = T x streams
  --no-pin                   ENABLE_CPU_PINNING NO   --precision   INFERENCE_PRECISION_HINT
  --nireq N                  AsyncInferQueue jobs (0: OPTIMAL_NUMBER_OF_INFER_REQUESTS)
  --api sync                 one InferRequest, infer() per query
  --pc                       PERF_COUNT, profiling info accumulated over every inference
Inferences run on OpenVINO's AsyncInferQueue and are issued from one thread, as benchmark_app
does. A precision OpenVINO cannot honour is an error, never a fallback.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_common  # noqa: E402

OUT = peer_common.protocol_channel()

import numpy as np  # noqa: E402
import openvino as ov  # noqa: E402
import openvino.properties as props  # noqa: E402
import openvino.properties.hint as hints  # noqa: E402

PRECISIONS = {"f32": ov.Type.f32, "bf16": ov.Type.bf16, "f16": ov.Type.f16}


def is_quantized(model):
    # The ONNX frontend turns QuantizeLinear/DequantizeLinear (and QLinear ops) into FakeQuantize.
    return any(op.get_type_name() == "FakeQuantize" for op in model.get_ops())


def cpu_config(core, r, model):
    """inferlab's request -> OpenVINO CPU properties; raises for what cannot be honoured."""
    cfg = {hints.performance_mode: hints.PerformanceMode.THROUGHPUT if r.get("hint") == "throughput"
           else hints.PerformanceMode.LATENCY}
    if not r.get("async", True):
        cfg[hints.performance_mode] = hints.PerformanceMode.LATENCY
    streams, threads = r.get("streams", 0), r.get("threads", 0)
    if threads > 0 and streams == 0 and r.get("hint") == "throughput" and r.get("async", True):
        streams = max(1, r.get("cores", 1) // threads)  # inferlab's threads are per stream
    if streams > 0 and r.get("async", True):
        cfg[props.num_streams] = streams
    if threads > 0:
        cfg[props.inference_num_threads] = threads * max(1, streams if r.get("async", True) else 1)
    cfg[hints.enable_cpu_pinning] = bool(r.get("pin", True))
    prec = r.get("precision", "f32")
    caps = core.get_property("CPU", props.device.capabilities)
    if prec in ("i8", "u8"):
        if not is_quantized(model):
            raise RuntimeError(f"precision {prec}: OpenVINO runs int8 only from a quantized model "
                               "(QuantizeLinear/DequantizeLinear); this model has none")
        if "INT8" not in caps:
            raise RuntimeError(f"precision {prec}: this CPU plugin lacks INT8 ({caps})")
        prec = "f32"  # the non-quantized parts
    if prec not in PRECISIONS:
        raise RuntimeError(f"precision {prec} is not available for openvino (f32, bf16, f16, i8)")
    if prec != "f32" and {"bf16": "BF16", "f16": "FP16"}[prec] not in caps:
        raise RuntimeError(f"precision {prec}: OpenVINO's CPU plugin cannot run it on this CPU "
                           f"(capabilities: {', '.join(caps)})")
    cfg[hints.inference_precision] = PRECISIONS[prec]
    if r.get("perf_counters"):
        cfg[props.enable_profiling] = True
    return cfg


class Engine:
    def __init__(self):
        self.core = ov.Core()
        self.samples, self.queue, self.request = [], None, None
        self.layers, self.layers_lock, self.pc = {}, threading.Lock(), False

    def load(self, r):
        model = self.core.read_model(r["model"])
        shapes = {p["name"]: ov.PartialShape(p["shape"]) for p in r["inputs"]}
        if any(model.input(n).get_partial_shape() != s for n, s in shapes.items()):
            model.reshape(shapes)
        cfg = cpu_config(self.core, r, model)
        t0 = time.perf_counter()
        self.compiled = self.core.compile_model(model, "CPU", cfg)
        ms = (time.perf_counter() - t0) * 1000
        c = self.compiled
        want = cfg[hints.inference_precision]
        got = c.get_property(hints.inference_precision)
        if got != want:
            raise RuntimeError(f"OpenVINO compiled with inference precision {got}, not {want}")
        self.pc = bool(r.get("perf_counters"))
        self.inputs = [p["name"] for p in r["inputs"]]
        self.outputs = [o.get_any_name() for o in c.outputs]
        optimal = c.get_property(props.optimal_number_of_infer_requests)
        asynchronous = r.get("async", True)
        in_flight = (r["nireq"] if r.get("nireq", 0) > 0 else optimal) if asynchronous else 1
        if asynchronous:
            self.queue = ov.AsyncInferQueue(c, in_flight)
            self.queue.set_callback(self._completed)
        else:
            self.request = c.create_infer_request()
        streams = int(c.get_property(props.num_streams))
        total = c.get_property(props.inference_num_threads)
        settings = {
            "streams": streams, "threads_per_stream": max(1, total // max(1, streams)),
            "inference_num_threads": total, "optimal_infer_requests": optimal, "nireq": in_flight,
            "api": "async (AsyncInferQueue)" if asynchronous else "sync",
            "hint": str(c.get_property(hints.performance_mode)).split(".")[-1],
            "pin": bool(c.get_property(hints.enable_cpu_pinning)),
            "inference_precision": got.get_type_name(), "quantized_model": is_quantized(model),
            "perf_count": self.pc}
        return {"version": f"OpenVINO {ov.get_version()}", "compile_ms": ms, "in_flight": in_flight,
                "outputs": self.outputs, "settings": settings}

    def _accumulate(self, request):
        with self.layers_lock:
            for i in request.profiling_info:
                if i.status != i.Status.EXECUTED:
                    continue
                l = self.layers.setdefault(i.node_name, {"name": i.node_name, "op_type": i.node_type,
                                                        "implementation": i.exec_type, "time_ms": 0.0,
                                                        "count": 0})
                l["time_ms"] += i.real_time.total_seconds() * 1000
                l["count"] += 1

    def _completed(self, request, done):
        if self.pc:
            self._accumulate(request)
        done(None)

    def set_samples(self, samples):
        self.samples = [{n: ov.Tensor(np.ascontiguousarray(s[n])) for n in self.inputs} for s in samples]

    def submit(self, sample, done):
        if self.queue is not None:
            # Blocks while every request is busy; the inputs are shared, not copied.
            self.queue.start_async(self.samples[sample], done, share_inputs=True)
            return
        try:
            self.request.infer(self.samples[sample], share_inputs=True)
            if self.pc:
                self._accumulate(self.request)
            done(None)
        except Exception as e:  # the load generator reports it
            done(f"{type(e).__name__}: {e}")

    def infer(self, inputs):
        req = self.compiled.create_infer_request()
        res = req.infer({n: np.ascontiguousarray(inputs[n]) for n in self.inputs})
        return {o.get_any_name(): np.array(res[o]) for o in self.compiled.outputs}

    def profile(self):
        with self.layers_lock:
            return list(self.layers.values())


if __name__ == "__main__":
    peer_common.serve(Engine(), OUT)
