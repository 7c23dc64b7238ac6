# amaranth: UnusedElaboratable=no
"""The one-channel ASIC encoder's Verilog in ``hdl/``: fresh, linted, and run by Icarus
(cocotb) against the golden model on recordings, with idle input and backpressure."""

import subprocess

import pytest

from neurorice import verilog

from .test_hdl import LINT_WAIVERS, golden_case, icarus_bench, tool, without_tool_version

CONFIGURATIONS = {f"c{c}": (w, c, b) for w, c, b in verilog.COMPACT_DEFAULTS}


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_fresh(key):
    path = verilog.compact_path(*CONFIGURATIONS[key])
    assert path.is_file(), f"{path} is missing: run python -m neurorice.verilog --update-hdl"
    expected = without_tool_version(verilog.generate_compact(*CONFIGURATIONS[key]))
    assert without_tool_version(path.read_text()) == expected, \
        f"{path} is stale: run python -m neurorice.verilog --update-hdl"


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_verilator_lint(key):
    result = subprocess.run(
        [tool("verilator"), "--lint-only", "-Wall", *LINT_WAIVERS,
         str(verilog.compact_path(*CONFIGURATIONS[key]))],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("key", CONFIGURATIONS)
def test_icarus_matches_golden(key, tmp_path):
    tool("iverilog")
    width, channels, word_width = CONFIGURATIONS[key]
    case = golden_case(width, channels, word_width, length=2000)
    path, top = verilog.compact_path(width, channels, word_width), \
        verilog.compact_name(width, channels, word_width)
    assert icarus_bench(path, top, case, tmp_path) == (1, 0), \
        "the Verilog's words differ from the model's"


def test_command_line(tmp_path, capsys):
    out = tmp_path / "enc.v"
    assert verilog.main(["--compact", "--sample-width", "12", "-o", str(out)]) == 0
    assert "module neurorice_encoder_c1_w12_compact(" in out.read_text()
    assert verilog.main(["--compact", "--coder", "arith"]) == 2
    assert "the compact encoder is lossless, rice or adc" in capsys.readouterr().err
    adc = tmp_path / "adc.v"
    assert verilog.main(["--compact", "--coder", "adc", "--channels", "4", "-o", str(adc)]) == 0
    text = adc.read_text()
    assert "module neurorice_encoder_c4_w10_adc_compact(" in text
    assert "gateware/compact_interval.py" in text


@pytest.mark.parametrize("argv", [["--compact", "--sample-width", "17"]])
def test_bad_width(argv, capsys):
    assert verilog.main(argv) == 2
    assert "sample width must be 1..16 bits, not 17" in capsys.readouterr().err
