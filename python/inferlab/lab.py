"""inferlab.lab: the benchmark lab from Python, as the CLI runs it.

    from inferlab import lab
    r = lab.bench("model.onnx", scenario=lab.Scenario.offline, niter=200)
    print(r.throughput.median, r.latency.p99)          # samples/s, ms
    c = lab.compare("model.onnx", backends=["native", "onnxruntime"], niter=100)
    print([(row.name, row.status, row.throughput.median) for row in c.rows])

Each call mirrors an `inferlab` command (bench, compare, accuracy, sweep): its options are the
keyword arguments below (docs/bench.md, docs/lab.md, docs/accuracy.md say what they mean), enums
where the C++ API has enums (their names as strings are accepted too). Results are objects with
attributes; `to_json()` gives the dict that the command's --json writes. Runs release the GIL.
Unlike the CLI, nothing is recorded in a results store unless `db` names one, and the peer
backends' workers are found through INFERLAB_HOME (and INFERLAB_OPENCV_WORKER) rather than
beside the program (docs/lab.md).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Mapping, Sequence, Union

if TYPE_CHECKING:  # annotations only: importing the package must not need NumPy (stub generation
    import numpy as np  # runs in pip's build environment, which has none)

from . import _inferlab
from ._inferlab import (
    AccuracyResult,
    AccuracySkip,
    Agreement,
    BenchResult,
    CompareResult,
    CompareRow,
    ConvAlgo,
    Engine,
    LatencySummary,
    PerformanceHint,
    Precision,
    Repetition,
    Scenario,
    Spread,
    SweepAnswers,
    SweepPoint,
    SweepResult,
)

__all__ = [
    "AccuracyResult", "AccuracySkip", "Agreement", "BenchResult", "CompareResult", "CompareRow",
    "LatencySummary", "Repetition", "Scenario", "Spread", "SweepAnswers", "SweepPoint",
    "SweepResult", "accuracy", "bench", "compare", "sweep",
]

PathLike = Union[str, "os.PathLike[str]"]


def _options(values: dict) -> dict:
    """The call's arguments for the native module: paths as strings, every key present."""
    return {k: os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in values.items()}


def bench(
    model: PathLike, *, backend: str = "native", engine: Engine = Engine.optimized,
    conv_algo: ConvAlgo = ConvAlgo.automatic, precision: Precision = Precision.f32,
    hint: PerformanceHint = PerformanceHint.latency, scenario: Scenario | None = None,
    batch: int = 0, shapes: Mapping[str, Sequence[int]] | None = None,
    weights: PathLike | None = None, api: str = "async", streams: int = 0, threads: int = 0,
    nireq: int = 0, pin: bool = True, time: float | None = None, niter: int = 0,
    warmup: int = 2, repetitions: int = 3, samples: int = 0, samples_per_query: int = 8,
    rate: float = 0.0, latency_bound: float = 0.0, find_peak: bool = False, seed: int = 0,
    inputs: Mapping[str, np.ndarray] | None = None, dataset: PathLike | None = None,
    preset: str | None = None, perf_counters: bool = False, opt_level: int = 99,
    timeout: float = 600.0, db: str | None = None, progress: bool = False,
) -> BenchResult:
    """`inferlab bench MODEL`: one backend, one scenario, `repetitions` repetitions.

    scenario None follows the hint (latency: single_stream, throughput: offline); time None:
    5 s per repetition unless niter is given. inputs: arrays used for those inputs in every
    sample (the others are random from seed); dataset + preset: a sample library of images."""
    return _inferlab._lab_bench(_options(locals()))


def compare(
    model: PathLike, *, backends: Sequence[str] = ("native", "onnxruntime", "opencv"),
    engine: Engine = Engine.optimized, conv_algo: ConvAlgo = ConvAlgo.automatic,
    precision: Precision = Precision.f32, hint: PerformanceHint = PerformanceHint.latency,
    scenario: Scenario | None = None, batch: int = 0,
    shapes: Mapping[str, Sequence[int]] | None = None, weights: PathLike | None = None,
    api: str = "async", streams: int = 0, threads: int = 0, nireq: int = 0, pin: bool = True,
    time: float | None = None, niter: int = 0, warmup: int = 2, repetitions: int = 3,
    samples: int = 0, samples_per_query: int = 8, rate: float = 0.0,
    latency_bound: float = 0.0, find_peak: bool = False, seed: int = 0,
    inputs: Mapping[str, np.ndarray] | None = None, dataset: PathLike | None = None,
    preset: str | None = None, perf_counters: bool = False, opt_level: int = 99,
    timeout: float = 600.0, db: str | None = None, progress: bool = False,
) -> CompareResult:
    """`inferlab compare MODEL --backends ...`: the same scenario on every backend, repetitions
    run alternately, and each backend's outputs checked against the first that runs. A backend
    that is missing or fails keeps its row with its status; the call raises only when none
    opens the model."""
    return _inferlab._lab_compare(_options(locals()))


def accuracy(
    model: PathLike, dataset: PathLike, *, task: str = "classification",
    preset: str | None = None, preprocess: PathLike | None = None, detection: str | None = None,
    labels: PathLike | None = None, classes: PathLike | None = None, split: str | None = None,
    weights: PathLike | None = None, backend: str = "native", engine: Engine = Engine.optimized,
    conv_algo: ConvAlgo = ConvAlgo.automatic, precision: Precision = Precision.f32,
    limit: int = 0, every: int = 1, batch: int = 8, threads: int = 2,
    score_threshold: float | None = None, iou_threshold: float | None = None,
    scores_output: str | None = None, boxes_output: str | None = None,
    keep_predictions: bool = False,
) -> AccuracyResult:
    """`inferlab accuracy MODEL --dataset DIR`: top-1/top-5 (classification) or VOC mAP
    (detection) over a labelled dataset; images that cannot be used are skipped and listed."""
    return _inferlab._lab_accuracy(_options(locals()))


def sweep(
    model: PathLike, *, backends: Sequence[str] = ("native",),
    precisions: Sequence[Precision | str] = (Precision.f32,),
    batches: Sequence[int] | None = None, streams: Sequence[int | str] | None = None,
    threads: Sequence[int | str] | None = None, repetitions: int = 3, time: float = 2.0,
    warmup: int = 2, seed: int = 0, engine: Engine = Engine.optimized,
    conv_algo: ConvAlgo = ConvAlgo.automatic, dataset: PathLike | None = None,
    preset: str | None = None, prune: bool = True, latency_bound: float = 0.0,
    db: str | None = None,
) -> SweepResult:
    """`inferlab sweep MODEL`: the Offline scenario over backends x precisions x streams x
    threads x batches ("auto" streams/threads: chosen from the cores; None: the CLI's default
    axis). With db, points are stored under the sweep id and a rerun resumes."""
    return _inferlab._lab_sweep(_options(locals()))
