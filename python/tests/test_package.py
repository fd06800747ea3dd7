"""What the package ships besides the module: type stubs and the py.typed marker."""

import pathlib
import re

import inferlab


def test_type_stubs_describe_the_module():
    folder = pathlib.Path(inferlab.__file__).parent
    assert (folder / "py.typed").exists()
    stub = (folder / "_inferlab.pyi").read_text()
    for cls in ("Core", "CompiledModel", "InferRequest", "PortInfo", "PerformanceHint"):
        assert re.search(rf"^class {cls}\b", stub, re.M), f"no class {cls} in the stubs"
    assert "def infer(self" in stub and "def compile_model(self" in stub


def test_public_names():
    assert set(inferlab.__all__) <= set(dir(inferlab))
    assert issubclass(inferlab.Error, RuntimeError)


def test_imports_without_numpy():
    # `pip install .` generates the stubs by importing the package in pip's isolated build
    # environment, which has no NumPy: the import itself must not need it.
    import subprocess
    import sys

    code = "import sys; sys.modules['numpy'] = None; import inferlab, inferlab.lab; print('ok')"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
