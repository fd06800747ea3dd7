"""Fixtures of the inferlab Python tests: small ONNX models written with the onnx package, with
a NumPy computation of what they compute, and the C++ CLI to compare against.

Run by ctest (test python_pytest, -DINFERLAB_PYTHON=ON) with PYTHONPATH=<build>/python and
INFERLAB_CLI=<build>/inferlab; by hand: PYTHONPATH=build/python .venv/bin/python -m pytest python/tests
"""

import os
import pathlib
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cli_path():
    return pathlib.Path(os.environ.get("INFERLAB_CLI", ROOT / "build" / "inferlab"))


@pytest.fixture(scope="session")
def cli():
    """The inferlab CLI of the same build: the C++ side of the comparisons."""
    path = cli_path()
    if not path.exists():
        pytest.skip(f"{path} not built (set INFERLAB_CLI)")
    return path


def _save(model, path):
    model.ir_version = 8  # the engine's ONNX (1.12) reads IR 8 / opset 13
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


class ConvNet:
    """Conv 3x3 (pad 1) + bias -> Relu -> GlobalAveragePool -> Flatten -> Gemm: a tiny CNN whose
    output NumPy computes independently (reference()). batch: a name makes dimension 0 symbolic."""

    def __init__(self, path, shape=(2, 3, 8, 8), channels=4, classes=5, seed=0, batch=None):
        rng = np.random.default_rng(seed)
        self.path, self.shape = path, shape
        self.w = rng.standard_normal((channels, shape[1], 3, 3)).astype(np.float32) * 0.3
        self.b = rng.standard_normal(channels).astype(np.float32) * 0.1
        self.fc = rng.standard_normal((classes, channels)).astype(np.float32)
        self.fb = rng.standard_normal(classes).astype(np.float32)
        init = [numpy_helper.from_array(a, n) for a, n in
                ((self.w, "w"), (self.b, "b"), (self.fc, "fc"), (self.fb, "fb"))]
        nodes = [
            helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1], kernel_shape=[3, 3],
                             name="conv"),  # kernel_shape: OpenCV DNN needs it
            helper.make_node("Relu", ["c"], ["r"], name="relu"),
            helper.make_node("GlobalAveragePool", ["r"], ["p"], name="pool"),
            helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
            helper.make_node("Gemm", ["f", "fc", "fb"], ["y"], transB=1, name="fc"),
        ]
        graph = helper.make_graph(
            nodes, "convnet",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch or shape[0], *shape[1:]])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch or shape[0], classes])],
            init)
        _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)

    def input(self, seed=1):
        return np.random.default_rng(seed).standard_normal(self.shape).astype(np.float32)

    def reference(self, x):
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
        win = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))  # n c h w kh kw
        conv = np.einsum("nchwij,ocij->nohw", win, self.w) + self.b[None, :, None, None]
        pooled = np.maximum(conv, 0).mean(axis=(2, 3))
        return pooled @ self.fc.T + self.fb


@pytest.fixture(scope="session")
def convnet(tmp_path_factory):
    return ConvNet(tmp_path_factory.mktemp("models") / "convnet.onnx")


@pytest.fixture(scope="session")
def two_inputs(tmp_path_factory):
    """y = a + b, z = a * b over int32 and float32 inputs: naming, ordering and dtypes."""
    path = tmp_path_factory.mktemp("models") / "two_inputs.onnx"
    nodes = [helper.make_node("Add", ["a", "b"], ["y"]), helper.make_node("Mul", ["a", "b"], ["z"])]
    graph = helper.make_graph(
        nodes, "two_inputs",
        [helper.make_tensor_value_info("a", TensorProto.INT32, [2, 3]),
         helper.make_tensor_value_info("b", TensorProto.INT32, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [2, 3]),
         helper.make_tensor_value_info("z", TensorProto.INT32, [2, 3])])
    _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    return path


def run_cli(cli, model, inputs, out_dir, *args):
    """Runs `inferlab run` on .npy inputs and returns its outputs (.pb files) as arrays."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [str(cli), "run", str(model), "--output-dir", str(out_dir), *args]
    for name, array in inputs.items():
        f = out_dir / f"in_{name}.npy"
        np.save(f, array)
        cmd += ["--input", f"{name}={f}"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    outputs = {}
    for f in out_dir.glob("*.pb"):
        t = onnx.TensorProto()
        t.ParseFromString(f.read_bytes())
        outputs[f.stem] = numpy_helper.to_array(t)
    return outputs
