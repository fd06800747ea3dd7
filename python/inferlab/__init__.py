"""inferlab: CNN inference on CPUs, from Python.

    import inferlab, numpy as np
    core = inferlab.Core()
    compiled = core.compile_model("model.onnx", {"PERFORMANCE_HINT": "LATENCY"})
    outputs = compiled.create_infer_request().infer({compiled.inputs[0].name: x})

Arrays: an input array is read in place when it is C-contiguous and has the input's dtype (a
strided view is copied once; another dtype raises inferlab.Error with code "invalid_argument").
Outputs are copies, or views of the request's memory with share_outputs=True (overwritten by the
request's next inference). Inference releases the GIL.

The benchmark lab (bench, compare, accuracy, sweep, results as objects) is inferlab.lab.
"""

from ._inferlab import (
    CompiledModel,
    ConvAlgo,
    Core,
    Engine,
    Error,
    InferRequest,
    LayerProfile,
    Model,
    PerformanceHint,
    PortInfo,
    Precision,
)
from . import lab  # noqa: E402  (after the module it wraps)

__all__ = [
    "CompiledModel",
    "ConvAlgo",
    "Core",
    "Engine",
    "Error",
    "InferRequest",
    "LayerProfile",
    "Model",
    "PerformanceHint",
    "PortInfo",
    "Precision",
    "lab",
]
