"""The arithmetic back ends' Verilog in ``hdl/`` under cocotb, in Icarus and Verilator.

The cocotb tests of ``tb_encoder.py``, with ``$NEURORICE_TB`` naming the back end, against
``encode_stream(..., coder="arith")`` and ``encode_stream(..., coder="adc")`` (the default
width table): Verilator runs the crossed payloads and patterns, the stream ends, the resets
and stretches of training recordings at one channel. (Icarus is far slower on these
designs: the arithmetic back end's crossed tests took over 20 minutes. The 1024-channel
Verilog goes through ``neurorice verify --coder arith --channels 1024`` in ``.ci/run``.)
Add ``("verilator", 1024, "arith"): (["crossed", "recordings"], 0)`` to :data:`BUILDS` for
more.
"""

import pytest
from cocotb_tools.runner import get_runner

from neurorice import verilog

from ..recordings import training_names
from .test_encoder import GROUPS, WAVES, check_results, simulator_environment

#: ``(simulator, channels, coder)`` -> the groups of tests it runs, and whole recordings
BUILDS = {
    ("verilator", 1, "arith"): (["crossed", "streams", "reset", "recordings"], 0),
    ("verilator", 1, "adc"): (["crossed", "streams", "reset", "recordings"], 0),
}


@pytest.fixture(scope="module", params=list(BUILDS), ids=lambda b: f"{b[0]}-c{b[1]}-{b[2]}")
def built(request, tmp_path_factory):
    simulator, channels, coder = request.param
    configuration = (10, channels, 32)
    top = verilog.module_name(*configuration, coder=coder)
    source = verilog.default_path(*configuration, coder=coder)
    assert source.is_file(), f"{source} is missing: run python -m neurorice.verilog --update-hdl"
    build_dir = tmp_path_factory.mktemp(f"{simulator}-{top}")
    runner = get_runner(simulator)
    arguments = ["-Wno-fatal", "-Wno-lint", "-Wno-style"] if simulator == "verilator" else []
    with pytest.MonkeyPatch.context() as patch:
        for name, value in simulator_environment(simulator).items():
            patch.setenv(name, value)
        runner.build(sources=[source], hdl_toplevel=top, build_dir=build_dir, always=True,
                     build_args=arguments, timescale=("1ns", "1ps"), waves=WAVES)
    return request.param, runner, top, build_dir


def test_arith(built):
    (simulator, channels, coder), runner, top, build_dir = built
    groups, whole = BUILDS[simulator, channels, coder]
    tests = [GROUPS[group] for group in groups] + (["run_test_whole_recordings"] if whole else [])
    if whole or "recordings" in groups:
        training_names()
    results = runner.test(
        test_module="tests.cocotb.tb_encoder", hdl_toplevel=top, build_dir=build_dir,
        test_dir=build_dir, test_filter=rf"\.({'|'.join(tests)})(/|$)", waves=WAVES,
        extra_env={"NEURORICE_TB": f"10,{channels},32,{coder}",
                   "NEURORICE_TB_WHOLE": str(whole)},
    )
    check_results(results)
