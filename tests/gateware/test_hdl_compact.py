# amaranth: UnusedElaboratable=no
"""The one-channel ASIC encoder's Verilog in ``hdl/``: fresh, linted, and run by Icarus
(cocotb) against the golden model on recordings, with idle input and backpressure."""

import json
import subprocess

import pytest
from cocotb_tools.check_results import get_results
from cocotb_tools.runner import get_runner

from golden.bits import BitWriter
from golden.core import encode_stream
from neurorice import verilog

from . import cases
from .test_hdl import LINT_WAIVERS, tool, without_tool_version

CONFIGURATIONS = {f"c{c}": (w, b, c) for w, b, c in verilog.COMPACT_DEFAULTS}
WIDTH, WORD = 10, 32


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
    _, _, channels = CONFIGURATIONS[key]
    if channels == 1:
        streams = [codes for _, codes in cases.recordings(2, 2000)]
        streams += [cases.make(name, WIDTH, 100) for name in ("alternating", "escapes")]
        streams += [[7]]
    else:
        streams = [cases.make("walk", WIDTH, 2 * channels + 5, seed=1), [3, 1000], [1] * 40]
    expected = []
    for samples in streams:
        words = encode_stream(samples, WIDTH, channels, BitWriter(WORD)).flush()
        expected += [[w, int(j == len(words) - 1)] for j, w in enumerate(words)]
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"width": WIDTH, "word_width": WORD, "streams": streams,
                                "expected": expected, "idle": 0.2, "backpressure": 0.3,
                                "seed": 1}))
    top = verilog.compact_name(*CONFIGURATIONS[key])
    runner = get_runner("icarus")
    runner.build(sources=[verilog.compact_path(*CONFIGURATIONS[key])], hdl_toplevel=top,
                 build_dir=tmp_path, always=True, timescale=("1ns", "1ps"))
    results = runner.test(test_module="tests.gateware.hdl_bench", hdl_toplevel=top,
                          build_dir=tmp_path, extra_env={"NEURORICE_BENCH": str(case)})
    assert get_results(results) == (1, 0), "the Verilog's words differ from the model's"


def test_command_line(tmp_path, capsys):
    out = tmp_path / "enc.v"
    assert verilog.main(["--compact", "--sample-width", "12", "-o", str(out)]) == 0
    assert "module neurorice_encoder_c1_w12_compact(" in out.read_text()
    assert verilog.main(["--compact", "--coder", "arith"]) == 2
    assert "the compact encoder is lossless and Rice" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--compact", "--sample-width", "17"]])
def test_bad_width(argv, capsys):
    assert verilog.main(argv) == 2
    assert "sample width must be 1..16 bits, not 17" in capsys.readouterr().err
