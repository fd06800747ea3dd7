"""Synchronous inference: outputs against NumPy and the C++ engine (CLI), the input forms, and
when arrays are shared rather than copied."""

import sys

import numpy as np
import pytest

import inferlab
from conftest import ConvNet, run_cli


def test_matches_numpy(convnet):
    compiled = inferlab.Core().compile_model(convnet.path)
    x = convnet.input()
    y = compiled.create_infer_request().infer({"x": x})["y"]
    assert y.dtype == np.float32 and y.shape == (2, 5)
    np.testing.assert_allclose(y, convnet.reference(x), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("engine", ["optimized", "reference"])
def test_matches_cpp_engine(convnet, cli, tmp_path, engine):
    x = convnet.input(seed=7)
    want = run_cli(cli, convnet.path, {"x": x}, tmp_path, "--engine", engine)["y"]
    got = inferlab.Core().compile_model(convnet.path, engine=engine)({"x": x})["y"]
    np.testing.assert_array_equal(got, want)  # same engine, same input: same bits


def test_zoo_model_matches_cpp_engine(cli, tmp_path):
    model = tmp_path / "mobilenet_v2.onnx"
    import subprocess
    subprocess.run([str(cli), "zoo", "mobilenet_v2", "-o", str(model)], check=True,
                   stdout=subprocess.DEVNULL)
    x = np.random.default_rng(3).random((1, 3, 224, 224), dtype=np.float32)
    want = run_cli(cli, model, {"input": x}, tmp_path / "out")
    core = inferlab.Core()
    compiled = core.compile_model(core.read_model(model), {"PERFORMANCE_HINT": "LATENCY"})
    got = compiled.create_infer_request().infer({"input": x})
    assert got.keys() == want.keys() == {"logits"}
    np.testing.assert_array_equal(got["logits"], want["logits"])


def test_ports(convnet, two_inputs):
    compiled = inferlab.Core().compile_model(convnet.path)
    (x,), (y,) = compiled.inputs, compiled.outputs
    assert (x.name, x.any_name, x.shape, x.dtype, x.element_type) == (
        "x", "x", (2, 3, 8, 8), np.dtype(np.float32), "f32")
    assert (y.name, y.shape) == ("y", (2, 5))
    two = inferlab.Core().compile_model(two_inputs)
    assert [p.name for p in two.inputs] == ["a", "b"]
    assert [p.dtype for p in two.outputs] == [np.dtype(np.int32)] * 2


def test_input_forms(two_inputs):
    request = inferlab.Core().compile_model(two_inputs).create_infer_request()
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    b = np.full((2, 3), 3, dtype=np.int32)
    want = {"y": a + b, "z": a * b}
    for inputs in ({"a": a, "b": b}, {0: a, 1: b}, [a, b], (a, b), {"b": b, 0: a}):
        out = request.infer(inputs)
        assert out.keys() == want.keys()
        for k in want:
            np.testing.assert_array_equal(out[k], want[k])
    # Inputs set before stay set: infer() with none, or with only one of them.
    np.testing.assert_array_equal(request.infer()["z"], a * b)
    np.testing.assert_array_equal(request.infer({"b": a})["z"], a * a)


def test_single_array_for_one_input(convnet):
    compiled = inferlab.Core().compile_model(convnet.path)
    x = convnet.input()
    np.testing.assert_array_equal(compiled(x)["y"], compiled({"x": x})["y"])


def test_contiguous_input_is_not_copied(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    x = convnet.input()
    refs = sys.getrefcount(x)
    request.infer({"x": x})
    assert sys.getrefcount(x) == refs + 1  # the request holds the array it reads in place
    seen = request.get_tensor("x", share=True)
    assert seen.ctypes.data == x.ctypes.data


def test_strided_input_is_copied_once(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    big = np.stack([convnet.input(), np.zeros((2, 3, 8, 8), np.float32)], axis=1)
    x = big[:, 0]  # the values of convnet.input(), not contiguous
    assert not x.flags.c_contiguous
    y = request.infer({"x": x})["y"]
    assert request.get_tensor("x", share=True).ctypes.data != x.ctypes.data
    np.testing.assert_allclose(y, convnet.reference(convnet.input()), rtol=1e-4, atol=1e-5)


def test_outputs_are_copies_unless_shared(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    x1, x2 = convnet.input(seed=1), convnet.input(seed=2)
    copied = request.infer({"x": x1})["y"]
    shared = request.infer({"x": x1}, share_outputs=True)["y"]
    np.testing.assert_array_equal(copied, shared)
    request.infer({"x": x2})
    # The shared view now shows the second inference; the copy still holds the first.
    np.testing.assert_array_equal(shared, request.results["y"])
    np.testing.assert_allclose(copied, convnet.reference(x1), rtol=1e-4, atol=1e-5)
    assert not np.array_equal(copied, shared)
    del request  # a shared view keeps the output memory alive on its own
    assert np.isfinite(shared).all()


def test_compile_options(convnet):
    core = inferlab.Core()
    compiled = core.compile_model(convnet.path, hint=inferlab.PerformanceHint.throughput,
                                  streams=2, threads_per_stream=1, pin=False,
                                  precision=inferlab.Precision.f32, perf_counters=True)
    assert (compiled.streams, compiled.threads_per_stream) == (2, 1)
    ov_style = core.compile_model(convnet.path, {"PERFORMANCE_HINT": "THROUGHPUT",
                                                 "NUM_STREAMS": 2, "PERF_COUNT": "YES",
                                                 "ENABLE_CPU_PINNING": "NO"})
    assert ov_style.streams == 2
    request = compiled.create_infer_request()
    request.infer({"x": convnet.input()})
    profile = request.profile
    assert profile and all(p.count == 1 for p in profile if p.implementation != "view")
    assert any(p.op_type == "Conv" or "Conv" in p.fused_from for p in profile)


def test_batch_option(convnet):
    compiled = inferlab.Core().compile_model(convnet.path, batch=3)
    assert compiled.inputs[0].shape == (3, 3, 8, 8)
    x = np.random.default_rng(5).standard_normal((3, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(compiled(x)["y"], convnet.reference(x), rtol=1e-4, atol=1e-5)


def test_model_view_and_reshape(tmp_path):
    convnet = ConvNet(tmp_path / "symbolic.onnx", batch="N")
    core = inferlab.Core()
    model = core.read_model(convnet.path)
    assert [(p.name, p.shape) for p in model.inputs] == [("x", (-1, 3, 8, 8))]
    assert [p.name for p in model.outputs] == ["y"]
    model.reshape({"x": [4, 3, 8, 8]})
    compiled = core.compile_model(model)
    assert compiled.inputs[0].shape == (4, 3, 8, 8) and compiled.outputs[0].shape == (4, 5)
    x = np.random.default_rng(6).standard_normal((4, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(compiled(x)["y"], convnet.reference(x), rtol=1e-4, atol=1e-5)


def test_engine_and_conv_algo_enums(convnet):
    core = inferlab.Core()
    x = convnet.input()
    want = convnet.reference(x)
    for options in ({"engine": inferlab.Engine.reference},
                    {"conv_algo": inferlab.ConvAlgo.direct},
                    {"conv_algo": "winograd"}, {"engine": "optimized", "conv_algo": "auto"}):
        y = core.compile_model(convnet.path, **options)(x)["y"]
        np.testing.assert_allclose(y, want, rtol=1e-4, atol=1e-5, err_msg=str(options))


def test_frozen_inputs(two_inputs):
    b = np.full((2, 3), 5, dtype=np.int32)
    compiled = inferlab.Core().compile_model(two_inputs, frozen_inputs={"b": b})
    del b  # the compiled model keeps its own copy
    assert [p.name for p in compiled.inputs] == ["a"]
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    out = compiled(a)
    np.testing.assert_array_equal(out["y"], a + 5)
    np.testing.assert_array_equal(out["z"], a * 5)
