"""The ADC-aware back end's Verilog in ``hdl/``: fresh, compiled and simulated by Icarus
against ``encode_stream(..., coder="adc")``, linted."""

import subprocess

import pytest

from golden.bits import BitWriter
from golden.core import encode_stream
from neurorice import verilog

from . import cases
from .test_hdl import LINT_WAIVERS, icarus_bench, tool, without_tool_version

CONFIGURATIONS = {f"c{c}": (w, c, b) for w, c, b in verilog.ADC_DEFAULTS}


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_fresh(key):
    path = verilog.default_path(*CONFIGURATIONS[key], coder="adc")
    assert path.is_file(), f"{path} is missing: run python -m neurorice.verilog --update-hdl"
    expected = without_tool_version(verilog.generate(*CONFIGURATIONS[key], coder="adc"))
    assert without_tool_version(path.read_text()) == expected, \
        f"{path} is stale: run python -m neurorice.verilog --update-hdl"


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_verilator_lint(key):
    path = verilog.default_path(*CONFIGURATIONS[key], coder="adc")
    result = subprocess.run(
        [tool("verilator"), "--lint-only", "-Wall", *LINT_WAIVERS, str(path)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_icarus_matches_golden(key, tmp_path):
    tool("iverilog")
    width, channels, word_width = CONFIGURATIONS[key]
    (_, codes), = cases.recordings(1, 300)
    streams = [codes, cases.make("escapes", width, 60), [7]]
    expected = []
    for samples in streams:
        words = encode_stream(samples, width, channels, BitWriter(word_width),
                              coder="adc").flush()
        expected += [[w, int(j == len(words) - 1)] for j, w in enumerate(words)]
    case = {"width": width, "word_width": word_width, "streams": streams,
            "expected": expected, "idle": 0.2, "backpressure": 0.3, "seed": 1}
    path = verilog.default_path(width, channels, word_width, coder="adc")
    top = verilog.module_name(width, channels, word_width, coder="adc")
    assert icarus_bench(path, top, case, tmp_path) == (1, 0), \
        "the Verilog's words differ from the model's"


def test_command_line(tmp_path):
    out = tmp_path / "enc.v"
    assert verilog.main(["--coder", "adc", "--sample-width", "4", "-o", str(out)]) == 0
    assert "module neurorice_encoder_c1_w4_adc(" in out.read_text()
