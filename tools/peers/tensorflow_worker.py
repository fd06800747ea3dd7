"""TensorFlow peer worker for `inferlab bench/compare --backend tensorflow` (the project's .venv
python, tensorflow-cpu from scripts/requirements.txt).

The ONNX file is translated to a TF SavedModel by onnx_to_tf.py (same weights), cached under
$INFERLAB_CACHE_DIR (default ~/.cache/inferlab)/tensorflow/KEY, KEY hashing the model file's
content, the input shapes and the translator's source; the translation time is reported apart
from the load time. Threads: intra-op = streams x threads per stream, inter-op = streams (both
process-wide in TF); one Python thread per stream calls the same function. oneDNN use is read
from TF itself and reported. f32 only; no pinning (TF has none).
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import peer_common  # noqa: E402

OUT = peer_common.protocol_channel()
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def cache_root():
    base = os.environ.get("INFERLAB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "inferlab")
    return os.path.join(base, "tensorflow")


def cache_key(model_path, inputs):
    h = hashlib.sha256()
    with open(model_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    h.update(json.dumps(inputs, sort_keys=True).encode())
    with open(os.path.join(HERE, "onnx_to_tf.py"), "rb") as f:  # a new translator converts anew
        h.update(f.read())
    h.update(tf.__version__.encode())
    return h.hexdigest()[:32]


def convert(model_path, inputs, target):
    """ONNX -> SavedModel at `target`, written to a temporary folder and renamed: a reader never
    sees a partial cache entry."""
    import onnx
    import onnx_to_tf

    model = onnx.load(model_path)
    tr = onnx_to_tf.Translator(model)
    if tr.input_names != [i["name"] for i in inputs]:
        raise RuntimeError(f"model inputs {tr.input_names} differ from {[i['name'] for i in inputs]}")
    spec = [tf.TensorSpec(i["shape"], tf.float32, name=f"input_{k}") for k, i in enumerate(inputs)]
    module = tf.Module()
    module.run = tf.function(tr.__call__, input_signature=spec, autograph=False)
    module.run.get_concrete_function()  # translates (raises for unsupported nodes)
    tmp = f"{target}.tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tf.saved_model.save(module, tmp)
    with open(os.path.join(tmp, "inferlab.json"), "w") as f:
        json.dump({"outputs": tr.output_names, "model": os.path.abspath(model_path)}, f)
    try:
        os.rename(tmp, target)
    except OSError:  # another process converted the same model meanwhile: keep its result
        shutil.rmtree(tmp, ignore_errors=True)


class Engine:
    def __init__(self):
        self.samples, self.pool = [], None

    def load(self, r):
        if r.get("precision", "f32") != "f32":
            raise RuntimeError(f"precision {r['precision']} is not available for tensorflow (f32 only)")
        if any(i["dtype"] != "f32" for i in r["inputs"]):
            raise RuntimeError("tensorflow backend: only f32 model inputs are supported")
        streams = peer_common.default_streams(r)
        threads = r["threads"] if r.get("threads", 0) > 0 else max(1, r.get("cores", 1) // streams)
        tf.config.threading.set_intra_op_parallelism_threads(streams * threads)
        tf.config.threading.set_inter_op_parallelism_threads(streams)
        inputs = [{"name": i["name"], "shape": i["shape"]} for i in r["inputs"]]
        target = os.path.join(cache_root(), cache_key(r["model"], inputs))
        conv_ms, cached = 0.0, os.path.isdir(target)
        if not cached:
            # In a child process: the translation's memory must not count as this worker's peak.
            os.makedirs(cache_root(), exist_ok=True)
            t0 = time.perf_counter()
            child = subprocess.run([sys.executable, os.path.abspath(__file__), "--convert", r["model"],
                                    json.dumps(inputs), target], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
            if child.returncode != 0:
                mark = "inferlab-conversion-error: "
                lines = [line[len(mark):] for line in child.stderr.splitlines() if line.startswith(mark)]
                raise RuntimeError(lines[-1] if lines else
                                   f"conversion exited with {child.returncode}: {child.stderr[-2000:]}")
            conv_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        self.loaded = tf.saved_model.load(target)
        self.fn = self.loaded.run
        with open(os.path.join(target, "inferlab.json")) as f:
            self.outputs = json.load(f)["outputs"]
        self.fn(*[tf.zeros(i["shape"], tf.float32) for i in inputs])  # builds the executor
        ms = (time.perf_counter() - t0) * 1000
        self.inputs = [i["name"] for i in inputs]
        self.pool = ThreadPoolExecutor(max_workers=streams)
        in_flight = r["nireq"] if r.get("async", True) and r.get("nireq", 0) > 0 else streams
        from tensorflow.python.util import _pywrap_util_port as port
        settings = {
            "streams": streams, "threads_per_stream": threads,
            "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
            "onednn": bool(port.IsMklEnabled()) and os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1") != "0",
            "nireq": in_flight, "api": "async" if r.get("async", True) else "sync",
            "mode": "tf.function graph (SavedModel)", "pin": False,
            "conversion_ms": round(conv_ms, 1), "conversion_cache": "hit" if cached else "miss",
            "cache_dir": target}
        return {"version": f"TensorFlow {tf.__version__} (inferlab ONNX translation)", "compile_ms": ms,
                "in_flight": in_flight, "outputs": self.outputs, "settings": settings}

    def set_samples(self, samples):
        self.samples = [[tf.constant(np.asarray(s[n], np.float32)) for n in self.inputs] for s in samples]

    def _run(self, sample, done):
        try:
            self.fn(*self.samples[sample])
            done(None)
        except Exception as e:  # the load generator reports it
            done(f"{type(e).__name__}: {e}")

    def submit(self, sample, done):
        self.pool.submit(self._run, sample, done)

    def infer(self, inputs):
        outs = self.fn(*[tf.constant(np.asarray(inputs[n], np.float32)) for n in self.inputs])
        return {name: t.numpy() for name, t in zip(self.outputs, outs)}


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--convert":
        try:
            convert(sys.argv[2], json.loads(sys.argv[3]), sys.argv[4])
        except Exception as e:  # one line for the parent's error row
            sys.stderr.write(f"inferlab-conversion-error: {type(e).__name__}: {e}\n")
            sys.exit(1)
    else:
        peer_common.serve(Engine(), OUT)
