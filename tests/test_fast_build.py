"""Tests of the fast path's build and of what runs without it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from golden import container
from neurorice import fast, filecodec
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
    assert (tmp_path / "out.nrc").read_bytes() == container.compress(original, coder="arith")
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
