"""Errors reach Python as inferlab.Error (a RuntimeError) with the library's message and a code."""

import numpy as np
import pytest
from onnx import TensorProto, helper

import inferlab
from conftest import _save


def raises(code, match):
    class Check:
        def __enter__(self):
            self.ctx = pytest.raises(inferlab.Error, match=match)
            self.info = self.ctx.__enter__()

        def __exit__(self, *exc):
            handled = self.ctx.__exit__(*exc)
            assert self.info.value.code == code, self.info.value
            assert isinstance(self.info.value, RuntimeError)
            return handled
    return Check()


def test_missing_model_file(tmp_path):
    with raises("io", "no such model file"):
        inferlab.Core().read_model(tmp_path / "absent.onnx")


def test_corrupt_model_file(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x0a\xff\xff not a protobuf")
    with raises("invalid_model", "bad.onnx"):
        inferlab.Core().compile_model(bad)


def test_unsupported_operator(tmp_path):
    path = tmp_path / "unsupported.onnx"
    node = helper.make_node("Hardmax", ["x"], ["y"], name="the_hardmax")
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    _save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    with raises("unsupported_operation", "Hardmax"):
        inferlab.Core().compile_model(path)


def test_wrong_dtype(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    with raises("invalid_argument", r"input 'x': got a float64 array.*expects float32"):
        request.infer({"x": convnet.input().astype(np.float64)})
    with raises("invalid_argument", "got a int64 array"):
        request.infer({"x": [[1, 2]]})


def test_wrong_shape(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    with raises("invalid_argument", r"input 'x': got an array of shape 1x3x8x8, .* 2x3x8x8"):
        request.infer({"x": convnet.input()[:1]})


def test_wrong_inputs(convnet, two_inputs):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    with raises("invalid_argument", r"no input named 'image' \(inputs: x\)"):
        request.infer({"image": convnet.input()})
    with raises("invalid_argument", "input index 1 out of range"):
        request.infer({1: convnet.input()})
    with raises("invalid_argument", "got 2 inputs, the model has 1"):
        request.infer([convnet.input(), convnet.input()])
    two = inferlab.Core().compile_model(two_inputs).create_infer_request()
    with raises("invalid_argument", "a single array was given, the model has 2 inputs"):
        two.infer(np.zeros((2, 3), np.int32))


def test_results_before_any_inference(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    with raises("invalid_argument", "no results yet"):
        request.results


def test_bad_compile_options(convnet):
    core = inferlab.Core()
    with raises("invalid_argument", r"unknown compile option 'NUM_STREAM' \(accepted: .*NUM_STREAMS"):
        core.compile_model(convnet.path, {"NUM_STREAM": 2})
    with raises("invalid_argument", "unknown compile option 'stream'"):
        core.compile_model(convnet.path, stream=2)
    with raises("invalid_argument", "'fastest' is not a hint"):
        core.compile_model(convnet.path, {"PERFORMANCE_HINT": "FASTEST"})
    with raises("invalid_argument", "option streams: expected an integer"):
        core.compile_model(convnet.path, streams="2")
    with raises("invalid_argument", "f64"):
        core.compile_model(convnet.path, precision="f64")
    with raises("invalid_argument", "winograt"):
        core.compile_model(convnet.path, conv_algo="winograt")
    with raises("invalid_argument", "fast"):
        core.compile_model(convnet.path, engine="fast")


def test_bad_reshape(convnet):
    model = inferlab.Core().read_model(convnet.path)
    with raises("invalid_argument", "image"):
        model.reshape({"image": [1, 3, 8, 8]})
    with raises("invalid_argument", "'x'"):
        model.reshape({"x": [1, 3, 8]})
    with raises("invalid_argument", "fixed to 2"):
        model.reshape({"x": [4, 3, 8, 8]})
