"""The ASIC flow (``neurorice asic``) with SKY130 from ``../shared/pdk``: the Liberty reader,
the power pricer on a netlist small enough to price by hand, the error without a library,
and the mapped netlist against the golden model at gate level (1 and 16 channels)."""

import json
import pathlib

import pytest

from neurorice.asic import command, gatesim, liberty, power
from neurorice.asic.library_path import LibraryNotFound, locate
from neurorice.asic.synthesis import synthesise
from neurorice.report import recordings, timing
from neurorice.report.command import _stream
from neurorice.report.design import Design
from neurorice.report.gatesim import GateRun
from neurorice.report.tools import CACHE

PDK_ROOT = (pathlib.Path(__file__).resolve().parents[2] / ".." / "shared" / "pdk").resolve()


def test_library_found_under_pdk_root_relative_or_not(monkeypatch):
    monkeypatch.chdir(PDK_ROOT.parent)
    lib, models = locate(environ={"PDK_ROOT": "pdk"})
    assert lib.is_absolute() and lib.is_file() and lib.name.endswith("tt_025C_1v80.lib")
    assert [m.name for m in models] == ["primitives.v", "sky130_fd_sc_hd.v"]
    assert all(m.is_absolute() for m in models)


@pytest.fixture(scope="module")
def pdk():
    lib, models = locate(environ={"PDK_ROOT": str(PDK_ROOT)})
    return liberty.read(lib, CACHE), models


def test_liberty_reads_the_library_as_written(pdk):
    library, _ = pdk
    assert library.voltage == 1.8 and len(library.cells) == 428
    flop = library.cells["sky130_fd_sc_hd__dfrtp_1"]
    assert flop.area == 25.024 and flop.sequential
    assert flop.pins["CLK"].clock and flop.pins["CLK"].capacitance == 0.001788
    _, rise, fall = flop.pins["CLK"].internal[0]
    # at an index point the table's own values; between two, the straight line
    assert rise.lookup(0.01) == 0.0162692 and fall.lookup(1.5) == pytest.approx(
        fall.values[0][-1])
    mid = (0.0531329 + 0.122474) / 2
    assert rise.lookup(mid) == pytest.approx((0.0160027 + 0.0160178) / 2)
    assert library.cells["sky130_fd_sc_hd__dlclkp_1"].clock_gate
    # the wire-load model "Small": fanout 1 is 23.2746 µm at 1.42e-5 pF/µm
    assert library.wire_capacitance(1) == pytest.approx(23.2746 * 1.42e-5)
    assert library.wire_capacitance(8) == pytest.approx((84.2649 + 2 * 8.3631) * 1.42e-5)


class _Hand:
    """A toggle flip-flop: ``q`` (a port) drives an inverter whose output ``n`` is the
    flip-flop's ``D``, so ``q`` and ``n`` toggle every cycle."""

    top = "toggle"

    def __init__(self):
        cells = {
            "ff": {"type": "sky130_fd_sc_hd__dfrtp_1", "connections": {
                "CLK": [2], "D": [4], "RESET_B": [3], "Q": [5]}},
            "inv": {"type": "sky130_fd_sc_hd__inv_1", "connections": {"A": [5], "Y": [4]}},
        }
        nets = {"clk": [2], "rstn": [3], "n": [4], "q": [5]}
        module = {"ports": {"clk": {"direction": "input", "bits": [2]},
                            "rstn": {"direction": "input", "bits": [3]},
                            "q": {"direction": "output", "bits": [5]}},
                  "cells": cells,
                  "netnames": {k: {"bits": v} for k, v in nets.items()}}
        self.module = module
        self.netlist_json = json.dumps({"modules": {"toggle": module}})


def test_pricer_on_a_hand_sized_netlist(pdk):
    library, _ = pdk
    cycles = 100
    run = GateRun(toggles={"clk": [2 * cycles], "rstn": [0], "n": [cycles], "q": [cycles]},
                  window=cycles, samples_in_window=cycles)
    priced = power.price(_Hand(), library, run, None, samples_per_second=1.0)
    pj, v2, t = 1e-12, 1.8 ** 2, power.INPUT_TRANSITION_NS
    flop, inv = library.cells["sky130_fd_sc_hd__dfrtp_1"], library.cells["sky130_fd_sc_hd__inv_1"]
    wire = library.wire_capacitance
    c_q, c_n = inv.pins["A"].capacitance + 0.005, flop.pins["D"].capacitance
    # by hand, per cycle (one sample a cycle here, one sample a second)
    _, clk_rise, clk_fall = flop.pins["CLK"].internal[0]
    clock = (clk_rise.lookup(t) + clk_fall.lookup(t)) * pj \
        + 2 * (flop.pins["CLK"].capacitance + wire(1)) * pj * v2 / 2
    pins = (c_q + c_n) * pj * v2 / 2
    wires = (wire(2) + wire(1)) * pj * v2 / 2
    q_arc = next(a for a in flop.pins["Q"].internal if a[0] == "CLK")
    load_q = c_q + wire(2)
    q_energy = (q_arc[1].lookup(t, load_q) + q_arc[2].lookup(t, load_q)) / 2
    y = inv.pins["Y"].internal[0]
    load_n = c_n + wire(1)
    inv_energy = (y[1].lookup(t, load_n) + y[2].lookup(t, load_n)) / 2
    d_pin, a_pin = flop.pins["D"].internal[0], inv.pins["A"].internal
    inputs = (d_pin[1].lookup(t) + d_pin[2].lookup(t)) / 2
    if a_pin:
        inputs += (a_pin[0][1].lookup(t) + a_pin[0][2].lookup(t)) / 2
    internal = (q_energy + inv_energy + inputs) * pj
    terms = priced["terms_w"]
    assert terms["clock pins"] == pytest.approx(clock)
    assert terms["switching on pins"] == pytest.approx(pins)
    assert terms["wires"] == pytest.approx(wires)
    assert terms["other internal"] == pytest.approx(internal)
    assert terms["leakage"] == pytest.approx(
        (flop.leakage + inv.leakage) * 1e-9 + priced["clock_tree"]["leakage_w"])
    # one flip-flop: a single clock buffer drives it
    assert priced["clock_tree"]["buffers"] == 1
    # the clock pin, the largest term, is about 41 fJ a cycle (0.0163 + 0.0248 pJ)
    assert 0.035e-12 < clock < 0.05e-12


def test_no_library_is_one_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PDK_ROOT", raising=False)
    assert command.main(["--channels", "1", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PDK_ROOT is not set" in err and "ciel" in err
    monkeypatch.setenv("PDK_ROOT", str(tmp_path))
    assert command.main(["--channels", "1", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and "ciel" in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(LibraryNotFound):
        locate(liberty=tmp_path / "none.lib", cell_models=[], environ={})


@pytest.mark.parametrize("channels, samples_per_channel, low_power",
                         [(1, 80, False), (16, 12, False), (1, 64, True)])
def test_mapped_netlist_is_the_golden_model(pdk, channels, samples_per_channel, low_power):
    """The SKY130 netlist, simulated with the PDK's cell models with and without unit gate
    delays, gives the golden model's words on real recording segments; so does the
    low-power variant, its flip-flops on integrated clock gates."""
    library, models = pdk
    design = Design(channels, low_power=low_power)
    synthesis = synthesise(design.verilog(), design.top(), library, command.CLOCK_MHZ,
                           clock_gating=low_power)
    assert synthesis.flops > 1000 and synthesis.area_um2 > 50_000
    assert (synthesis.clock_gates > 50) == low_power
    if low_power:  # only an enable of a single flip-flop keeps its hold multiplexer
        assert synthesis.cells.get("sky130_fd_sc_hd__edfxtp_1", 0) < 10
    recs = recordings.load(recordings.DEFAULT_DATA, 4)
    samples = _stream(recs, channels, samples_per_channel * channels)
    zero, _ = gatesim.simulate(synthesis, library, models, samples, design.width,
                               design.word_width, 50, 200, glitches=False)
    _, unit = gatesim.simulate_unit(synthesis, library, models, samples, design.width,
                                    design.word_width, 50, 200)
    for run in (zero, unit):
        measured = timing.measure(samples, run, design.width, channels, design.word_width)
        assert measured["matches_golden"] and measured["words"] > samples_per_channel // 8
    # the unit-delay run glitches: more toggles than the zero-delay one
    assert sum(map(sum, unit.toggles.values())) > sum(map(sum, zero.toggles.values()))
