"""The arithmetic back end's Verilog in ``hdl/``: fresh, compiled by Icarus, linted.

Its words are checked against the golden model by ``tests/cocotb/test_arith.py`` (Icarus
and Verilator) and ``neurorice verify --coder arith``.
"""

import subprocess

import pytest

from neurorice import verilog

from .test_hdl import LINT_WAIVERS, tool, without_tool_version

CONFIGURATIONS = {f"c{c}": (w, c, b) for w, c, b in verilog.ARITH_DEFAULTS}


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_fresh(key):
    path = verilog.default_path(*CONFIGURATIONS[key], coder="arith")
    assert path.is_file(), f"{path} is missing: run python -m neurorice.verilog --update-hdl"
    expected = without_tool_version(verilog.generate(*CONFIGURATIONS[key], coder="arith"))
    assert without_tool_version(path.read_text()) == expected, \
        f"{path} is stale: run python -m neurorice.verilog --update-hdl"


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_iverilog_compiles(key, tmp_path):
    path = verilog.default_path(*CONFIGURATIONS[key], coder="arith")
    subprocess.run([tool("iverilog"), "-g2012", "-o", str(tmp_path / "a.out"), str(path)],
                   check=True, capture_output=True, text=True)


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_verilator_lint(key):
    path = verilog.default_path(*CONFIGURATIONS[key], coder="arith")
    result = subprocess.run(
        [tool("verilator"), "--lint-only", "-Wall", *LINT_WAIVERS, str(path)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_command_line(tmp_path):
    out = tmp_path / "enc.v"
    assert verilog.main(["--coder", "arith", "--sample-width", "4", "-o", str(out)]) == 0
    assert "module neurorice_encoder_c1_w4_arith(" in out.read_text()
