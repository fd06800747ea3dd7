"""Asynchronous inference: start_async/wait, callbacks on stream threads, the GIL released while
the engine runs, several requests in flight."""

import sys
import threading
import time

import numpy as np
import pytest

import inferlab
from conftest import ConvNet


def test_start_async_and_wait(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    x = convnet.input()
    request.start_async({"x": x})
    request.wait()
    assert not request.busy
    np.testing.assert_allclose(request.results["y"], convnet.reference(x), rtol=1e-4, atol=1e-5)


def test_callback_runs_on_a_stream_thread(convnet):
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    seen, done = [], threading.Event()

    def callback(userdata, error):
        seen.append((userdata, error, threading.get_ident(), request.get_tensor("y")))
        done.set()

    request.set_callback(callback, "tag")
    x = convnet.input()
    request.start_async({"x": x})
    assert done.wait(30), "callback not called"
    request.wait()
    (userdata, error, thread, y), = seen
    assert userdata == "tag" and error is None and thread != threading.get_ident()
    np.testing.assert_allclose(y, convnet.reference(x), rtol=1e-4, atol=1e-5)
    request.set_callback(None)
    request.infer({"x": x})
    assert len(seen) == 1


def test_callback_exception_is_reported_not_raised(convnet, monkeypatch):
    """An exception in a callback has no caller to reach: it goes to sys.unraisablehook."""
    request = inferlab.Core().compile_model(convnet.path).create_infer_request()
    reported = threading.Event()
    seen = []

    def hook(info):
        seen.append(info.exc_value)
        reported.set()

    def callback(_, error):
        raise ValueError("from the callback")

    monkeypatch.setattr(sys, "unraisablehook", hook)
    request.set_callback(callback)
    request.start_async({"x": convnet.input()})
    request.wait()  # the inference itself succeeded
    assert reported.wait(30)
    assert isinstance(seen[0], ValueError) and str(seen[0]) == "from the callback"


def test_many_requests_in_flight(convnet):
    compiled = inferlab.Core().compile_model(
        convnet.path, hint=inferlab.PerformanceHint.throughput, streams=2, pin=False)
    requests = [compiled.create_infer_request() for _ in range(6)]
    inputs = [convnet.input(seed=i) for i in range(6)]
    for r, x in zip(requests, inputs):
        r.start_async({"x": x})
    for r, x in zip(requests, inputs):
        r.wait()
        np.testing.assert_allclose(r.results["y"], convnet.reference(x), rtol=1e-4, atol=1e-5)


def test_start_while_busy_raises(tmp_path):
    slow = ConvNet(tmp_path / "slow.onnx", shape=(1, 3, 384, 384), channels=32)
    request = inferlab.Core().compile_model(slow.path, engine="reference").create_infer_request()
    request.start_async({"x": slow.input()})
    with pytest.raises(inferlab.Error, match="previous inference is running"):
        request.start_async()
    with pytest.raises(inferlab.Error, match="busy"):
        request.start_async({"x": slow.input()})
    request.wait()


def test_gil_released_while_inferring(tmp_path):
    """A Python thread runs while infer() and wait() are in the engine: with the GIL held it
    could not record a time inside the inference's interval."""
    slow = ConvNet(tmp_path / "slow.onnx", shape=(1, 3, 384, 384), channels=32)
    request = inferlab.Core().compile_model(slow.path, engine="reference").create_infer_request()
    x = slow.input()
    ticks, stop = [], threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        for run in (lambda: request.infer({"x": x}),
                    lambda: (request.start_async({"x": x}), request.wait())):
            t0 = time.perf_counter()
            run()
            t1 = time.perf_counter()
            assert t1 - t0 > 0.02, "inference too short to tell"
            inside = [t for t in ticks if t0 + 0.005 < t < t1 - 0.005]
            assert inside, f"no Python thread ran during {1000 * (t1 - t0):.0f} ms of inference"
    finally:
        stop.set()
        thread.join()


def test_dropped_request_in_flight(convnet):
    """Dropping a request (and its model) with an inference in flight waits for it; the callback
    still runs, and nothing crashes."""
    done = threading.Event()
    compiled = inferlab.Core().compile_model(convnet.path)
    request = compiled.create_infer_request()
    request.set_callback(lambda _, error: done.set())
    request.start_async({"x": convnet.input()})
    del request, compiled
    assert done.wait(30)


def test_wait_for_and_cancel(tmp_path):
    """One stream: a second request queues behind a slow first one and can be cancelled; its
    callback and wait() see the error with code 'cancelled'."""
    slow = ConvNet(tmp_path / "slow.onnx", shape=(1, 3, 384, 384), channels=32)
    compiled = inferlab.Core().compile_model(slow.path, engine="reference", streams=1)
    first, second = compiled.create_infer_request(), compiled.create_infer_request()
    errors = []
    second.set_callback(lambda _, error: errors.append(error))
    x = slow.input()
    first.start_async({"x": x})
    second.start_async({"x": x})
    assert not first.wait_for(0)  # the first still runs
    assert second.cancel()
    with pytest.raises(inferlab.Error) as raised:
        second.wait()
    assert raised.value.code == "cancelled"
    assert len(errors) == 1 and errors[0].code == "cancelled"
    assert first.wait_for(60)
    assert not second.cancel()  # nothing started
    np.testing.assert_allclose(first.results["y"], slow.reference(x), rtol=1e-4, atol=1e-4)
