"""inferlab.lab: bench, compare, accuracy and sweep from Python, their results as objects whose
figures agree with each other, with to_json() and with the CLI's --json."""

import json
import math
import os
import subprocess
import threading
import time

import numpy as np
import pytest

import inferlab
from conftest import ROOT, ConvNet, cli_path
from inferlab import lab

SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    """The tiny CNN with a symbolic batch (sweeps set it), compiled at batch 2 by bench."""
    return ConvNet(tmp_path_factory.mktemp("lab") / "net.onnx", batch="N")


@pytest.fixture(scope="module")
def measured(net):
    return lab.bench(net.path, batch=2, niter=20, repetitions=2, warmup=1, seed=3)


def test_bench_figures_agree(measured, net):
    r = measured
    assert r.backend == "native" and r.model == str(net.path) and r.precision == "f32"
    assert r.scenario == lab.Scenario.single_stream  # the latency hint's scenario
    assert r.batch == 2 and len(r.repetitions) == 2
    assert r.latency.count == 40  # 2 repetitions x 20 queries
    for rep in r.repetitions:
        assert rep.kind == "repetition" and rep.samples == 40  # 20 queries x batch 2
        assert rep.throughput_fps == pytest.approx(rep.samples / rep.wall_s, rel=1e-9)
    fps = sorted(rep.throughput_fps for rep in r.repetitions)
    assert r.throughput.n == 2 and fps[0] <= r.throughput.median <= fps[-1]
    lat = r.latency
    assert 0 < lat.min <= lat.p50 <= lat.p90 <= lat.p99 <= lat.max
    assert r.headline_latency_ms == lat.p90  # single_stream reports p90
    assert r.fingerprint["libraries"]["native"] == r.backend_version
    assert r.settings["engine"] == "optimized" and r.layers is None


def test_bench_to_json_and_csv(measured):
    j = measured.to_json()
    assert j["throughput_fps"] == measured.throughput.median
    assert j["latency_ms"]["p99"] == measured.latency.p99
    assert j["inputs"] == {"source": "random", "description": "random (seed 3)"}
    header, row, end = measured.to_csv().split("\n")
    assert end == "" and "throughput_fps" in header.split(",")
    assert len(header.split(",")) == len(row.split(","))


def test_bench_json_has_the_cli_keys(measured, net, tmp_path):
    cli = cli_path()
    if not cli.exists():
        pytest.skip(f"{cli} not built (set INFERLAB_CLI)")
    out = tmp_path / "cli.json"
    subprocess.run([str(cli), "bench", str(net.path), "--batch", "2", "--niter", "20",
                    "--repetitions", "2", "--warmup", "1", "--seed", "3", "--no-db",
                    "--no-progress", "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
    c, p = json.loads(out.read_text()), measured.to_json()
    assert set(c) == set(p)
    for key in ("scenario", "batch", "streams", "precision", "settings", "inputs", "config"):
        assert c[key] == p[key], key


def test_bench_options(net):
    x = net.input(seed=5)
    r = lab.bench(net.path, batch=2, hint=inferlab.PerformanceHint.throughput, niter=8,
                  repetitions=1, inputs={"x": x}, perf_counters=True,
                  engine=inferlab.Engine.reference, api="sync")
    assert r.scenario == lab.Scenario.offline  # the throughput hint's scenario
    assert r.settings["engine"] == "reference" and r.nireq == 1
    assert r.layers and {layer["name"] for layer in r.layers} >= {"conv", "fc"}
    assert all(layer["count"] > 0 for layer in r.layers)
    assert lab.bench(net.path, batch=2, scenario="multi_stream", samples_per_query=2, niter=4,
                     repetitions=1).scenario == lab.Scenario.multi_stream


@pytest.mark.parametrize("kwargs, words", [
    ({"niter": "10"}, "niter"),
    ({"streams": -1, "niter": 5}, "streams"),
    ({"engine": "fastest", "niter": 5}, "fastest"),
    ({"inputs": {"nope": np.zeros((2, 3, 8, 8), np.float32)}, "niter": 5}, "nope"),
    ({"scenario": lab.Scenario.server, "niter": 5}, "rate"),
    ({"api": "sync", "nireq": 2, "niter": 5}, "nireq"),
    ({"dataset": "/tmp", "niter": 5}, "preset"),
])
def test_bench_rejects_bad_options(net, kwargs, words):
    with pytest.raises(inferlab.Error) as e:
        lab.bench(net.path, batch=2, repetitions=1, **kwargs)
    assert e.value.code == "invalid_argument" and words in str(e.value)


def test_bench_releases_the_gil(net):
    """A Python thread runs while bench measures: with the GIL held it could not record a time
    inside the run."""
    ticks, stop = [], threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        t0 = time.perf_counter()
        lab.bench(net.path, batch=2, time=0.3, repetitions=1, warmup=1)
        t1 = time.perf_counter()
    finally:
        stop.set()
        thread.join()
    assert t1 - t0 > 0.3
    assert [t for t in ticks if t0 + 0.05 < t < t1 - 0.05], "no Python thread ran during bench"


def test_bench_with_a_bad_option_creates_no_store(net, tmp_path):
    db = tmp_path / "results.db"
    with pytest.raises(inferlab.Error, match="streams"):
        lab.bench(net.path, streams=-1, niter=5, db=str(db))
    assert not db.exists()
    r = lab.bench(net.path, batch=2, niter=5, repetitions=1, db=str(db))
    assert db.exists() and r.run_id


def test_bench_missing_model_names_the_file(tmp_path):
    with pytest.raises(inferlab.Error, match="missing.onnx"):
        lab.bench(tmp_path / "missing.onnx", niter=5)


@pytest.fixture(scope="module")
def peers_env():
    """Where the peer workers are: a Python process is not the CLI, whose folder they sit in."""
    saved = dict(os.environ)
    os.environ.setdefault("INFERLAB_OPENCV_WORKER", str(cli_path().parent / "inferlab-opencv-worker"))
    os.environ.setdefault("INFERLAB_HOME", str(ROOT))
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_compare_rows(net, peers_env):
    c = lab.compare(net.path, backends=["native", "native", "opencv"], batch=2,
                    niter=10, repetitions=2, warmup=1)
    assert [row.name for row in c.rows] == ["native", "native", "opencv"]
    assert c.reference == "native" and c.scenario == lab.Scenario.single_stream
    ref, again, cv = c.rows
    assert ref.status == "ok" and ref.agreement is None  # the reference
    # The same engine twice computes the same outputs: agreement is exact.
    assert again.agreement.comparable and again.agreement.max_abs == 0
    assert again.agreement.top1_agreement == 1.0
    for row in (ref, again):
        assert row.measured and len(row.repetitions) == 2 and row.latency.count == 20
        assert row.settings["engine"] == "optimized"
    assert c.native_fps in (ref.throughput.median, again.throughput.median)  # a "native" row's
    j = c.to_json()
    assert [b["status"] for b in j["backends"]] == [row.status for row in c.rows]
    assert j["backends"][1]["agreement"]["max_abs_diff"] == 0
    assert c.row("opencv").name == "opencv"
    if cv.status == "ok":  # OpenCV DNN built in: its outputs agree with native's
        assert cv.agreement.comparable and cv.agreement.max_rel < 1e-4
    else:
        assert cv.status == "missing" and cv.error and not cv.measured
    assert len(c.to_csv().strip().split("\n")) == 4  # header and three rows


def test_compare_options_are_checked(net):
    with pytest.raises(inferlab.Error, match="no-such"):
        lab.compare(net.path, backends=["native", "no-such"], niter=5)
    with pytest.raises(inferlab.Error, match="find_peak"):
        lab.compare(net.path, backends=["native"], scenario=lab.Scenario.server,
                    find_peak=True, latency_bound=5.0, niter=5)


def test_accuracy_on_mnist():
    model, data = SHARED / "mnist" / "mnist-8" / "model.onnx", SHARED / "mnist"
    if not model.exists():
        pytest.skip(f"shared test data absent: {model}")
    r = lab.accuracy(model, data, preset="mnist", limit=200, engine="reference")
    assert r.task == "classification" and r.considered == 200 and r.used == 200
    assert r.skipped == [] and r.skip_reasons == {}
    assert r.top1_count == round(r.top1 * r.used) and r.top5_count >= r.top1_count
    assert 0.9 < r.top1 <= r.top5 <= 1.0  # mnist-8 is a 98-99% model
    j = r.to_json()
    assert j["top1"] == r.top1 and j["images"] == 200 and j["engine"] == "reference"


def test_accuracy_bad_dataset(tmp_path):
    with pytest.raises(inferlab.Error):
        lab.accuracy(tmp_path / "m.onnx", tmp_path / "nowhere", preset="mnist")
    with pytest.raises(inferlab.Error, match="every"):
        lab.accuracy(tmp_path / "m.onnx", tmp_path, every=0)


def test_sweep_points_and_answers(net, tmp_path):
    db = tmp_path / "sweep.db"
    s = lab.sweep(net.path, batches=[1, 2], streams=[1], threads=[1], repetitions=1, time=0.2,
                  warmup=1, prune=False, latency_bound=1000.0, db=str(db))
    assert [p.key for p in s.points] == ["native/f32/s1/t1/b1", "native/f32/s1/t1/b2"]
    assert s.not_measured == [] and s.resumed == 0
    for p in s.points:
        assert p.status == "measured" and p.throughput_fps > 0
        assert p.ci95_low <= p.throughput_fps <= p.ci95_high or p.cv == 0
        assert p.p50_ms <= p.p90_ms <= p.p99_ms and p.streams_used == 1
    (a,) = s.answers
    assert a.backend == "native" and a.measured == 2 and a.failed == 0
    assert a.best_throughput.throughput_fps == max(p.throughput_fps for p in s.points)
    assert a.best_under_bound is not None and a.pareto
    j = s.to_json()
    assert j["sweep_id"] == s.sweep_id and len(j["points"]) == 2
    again = lab.sweep(net.path, batches=[1, 2], streams=[1], threads=[1], repetitions=1,
                      time=0.2, warmup=1, prune=False, db=str(db))
    assert again.sweep_id == s.sweep_id and again.resumed == 2  # from the store


def test_sweep_resumes_what_the_cli_measured(net, tmp_path):
    """The same sweep from the CLI and from Python has the same id: Python resumes the CLI's."""
    cli = cli_path()
    if not cli.exists():
        pytest.skip(f"{cli} not built (set INFERLAB_CLI)")
    db, out = tmp_path / "cli.db", tmp_path / "cli.json"
    subprocess.run([str(cli), "sweep", str(net.path), "--batch", "1,2", "--streams", "1",
                    "--threads", "1", "--repetitions", "1", "-t", "0.2", "--warmup", "1",
                    "--no-prune", "--seed", "4", "--db", str(db), "--json", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    s = lab.sweep(net.path, batches=[1, 2], streams=[1], threads=[1], repetitions=1, time=0.2,
                  warmup=1, prune=False, seed=4, db=str(db))
    assert s.sweep_id == json.loads(out.read_text())["sweep_id"]
    assert s.resumed == 2 and [p.status for p in s.points] == ["measured", "measured"]


def test_sweep_checks_axes(net):
    with pytest.raises(inferlab.Error, match="batches"):
        lab.sweep(net.path, batches=[0])
    with pytest.raises(inferlab.Error):
        lab.sweep(net.path, precisions=["f64"])


def _stub_classes():
    text = os.path.join(os.path.dirname(inferlab.__file__), "_inferlab.pyi")
    blocks, name = {}, None
    for line in open(text).read().splitlines():
        if line.startswith("class "):
            name = line[6:].split("(")[0].split(":")[0]
            blocks[name] = []
        elif line and not line[0].isspace():
            name = None
        elif name:
            blocks[name].append(line)
    return {k: "\n".join(v) for k, v in blocks.items()}


def test_stubs_cover_every_public_attribute():
    stubs = _stub_classes()
    for name in lab.__all__:
        obj = getattr(lab, name)
        if not isinstance(obj, type):
            continue
        assert name in stubs, f"class {name} missing from the stubs"
        for attr in (a for a in dir(obj) if not a.startswith("_")):
            assert (f"def {attr}(" in stubs[name] or f"    {attr} = " in stubs[name]
                    or f"    {attr}: " in stubs[name]), f"{name}.{attr} missing from the stubs"


def test_run_signatures_are_typed():
    import inspect
    for run in (lab.bench, lab.compare, lab.accuracy, lab.sweep):
        sig = inspect.signature(run)
        assert sig.return_annotation is not inspect.Signature.empty, run.__name__
        for p in sig.parameters.values():
            assert p.annotation is not inspect.Parameter.empty, f"{run.__name__}({p.name})"
