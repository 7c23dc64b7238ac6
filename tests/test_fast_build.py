"""Tests of the fast path's build and of what runs without it."""

import importlib.machinery
import importlib.util
import os
import random
import shutil
import subprocess
import sysconfig
from array import array
from pathlib import Path

import pytest

from golden import adc, container, core
from golden.core import DEFAULT_CODER
from neurorice import fast, filecodec
from neurorice.fast import container as fast_container
from tests.recordings import training_recordings

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


def test_the_c_module_is_built_in_the_tree_for_any_python():
    module = Path(fast.require().__file__)
    assert module.parent == ROOT / "neurorice" / "fast"
    assert module.name == "_core.abi3.so"


def test_encode_and_decode_use_the_fast_path():
    assert filecodec.codec() is fast.container


def test_encode_writes_the_golden_models_bytes(tmp_path):
    (_, original), = training_recordings(1)
    (tmp_path / "in.wav").write_bytes(original)
    for program, source, target in [("encode", "in.wav", "out.nrc"),
                                    ("decode", "out.nrc", "back.wav")]:
        done = subprocess.run([ROOT / program, tmp_path / source, tmp_path / target],
                              capture_output=True, text=True, env=ENV, check=False)
        assert (done.returncode, done.stderr) == (0, "")
    assert (tmp_path / "out.nrc").read_bytes() == container.compress(original,
                                                                     coder=DEFAULT_CODER)
    assert (tmp_path / "back.wav").read_bytes() == original


def test_require_says_what_to_do(monkeypatch):
    monkeypatch.setattr(fast, "_core", None)
    monkeypatch.setattr(fast, "_reason", "No module named 'neurorice.fast._core'")
    with pytest.raises(fast.NotBuilt, match=r"fast codec not built \(run `make setup`\)"):
        fast.require()


@pytest.fixture(scope="module")
def unbuilt(tmp_path_factory):
    """A copy of the programs and packages without the C module."""
    root = tmp_path_factory.mktemp("unbuilt")
    ignore = shutil.ignore_patterns("*.so", "__pycache__")
    for package in ("golden", "neurorice"):
        shutil.copytree(ROOT / package, root / package, ignore=ignore)
    for program in ("encode", "decode"):
        shutil.copy2(ROOT / program, root / program)
    return root


def test_without_the_c_module_the_programs_warn_and_use_the_golden_model(unbuilt, tmp_path):
    original = container.decompress(container.compress(b"RIFF" + bytes(100)))
    (tmp_path / "in").write_bytes(original)
    warning = ("neurorice: fast codec not built (run `make setup`); using the golden model,"
               " about 100x slower\n")
    for program, source, target in [("encode", "in", "out"), ("decode", "out", "back")]:
        done = subprocess.run([unbuilt / program, tmp_path / source, tmp_path / target],
                              capture_output=True, text=True, env=ENV, check=False)
        assert (done.returncode, done.stderr) == (0, warning)
    assert (tmp_path / "out").read_bytes() == container.compress(original)
    assert (tmp_path / "back").read_bytes() == original


def test_the_golden_model_needs_nothing_built(unbuilt):
    done = subprocess.run(
        ["python3", "-S", "-c",
         "import golden.container, golden.core, sys; sys.exit('neurorice' in sys.modules)"],
        cwd=unbuilt, capture_output=True, text=True, env=ENV, check=False)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.fixture(scope="module")
def portable(tmp_path_factory):
    """The C module built without its SSE2 code (NEURORICE_PORTABLE), as other processors
    run it, loaded beside the installed one."""
    path = tmp_path_factory.mktemp("portable") / "_core.abi3.so"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()
    subprocess.run([*compiler, "-O2", "-std=c11", "-fPIC", "-shared", "-fwrapv",
                    "-DNEURORICE_PORTABLE", f"-I{sysconfig.get_paths()['include']}",
                    "-o", path, ROOT / "neurorice" / "fast" / "_core.c"], check=True)
    loader = importlib.machinery.ExtensionFileLoader("neurorice.fast._core", str(path))
    module = importlib.util.module_from_spec(
        importlib.util.spec_from_loader("neurorice.fast._core", loader))
    loader.exec_module(module)
    return module


def test_the_portable_build_has_the_same_bits(portable):
    # the SSE2 code (the decoder's symbol search, the predictor's weights) against the plain
    # C of other processors, on recordings, and against the golden model on a few streams
    built = fast.require()
    for _, original in training_recordings(3):
        codes = fast_container.FastSteps.to_codes(memoryview(original)[44:].cast("h"))
        for arith in (True, False):
            data = built.encode(codes, 10, 1, arith=arith)
            assert portable.encode(codes, 10, 1, arith=arith) == data
            assert portable.decode(data, len(codes) // 2, 10, 1, arith=arith) == codes
    rng = random.Random(12)
    for width, channels, near in [(10, 1, 0), (16, 3, 0), (10, 2, 2), (4, 1, 0)]:
        samples = [rng.getrandbits(width) if rng.random() < 0.1 else (1 << width - 1) + i % 7
                   for i in range(3000)]
        values = array("H", samples)
        # the C module codes what it is given: the golden stream of the codes in their
        # natural order (the rank order is a lookup before it, neurorice.fast.order)
        data = core.encode(samples, width, channels, coder="arith", near=near,
                           table=adc.UNIFORM)
        assert portable.encode(values, width, channels, arith=True, near=near) == data
        assert (portable.decode(data, len(samples), width, channels, arith=True, near=near)
                == built.decode(data, len(samples), width, channels, arith=True, near=near))
