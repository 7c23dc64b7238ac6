"""The power pricer on a netlist small enough to price by hand from the library."""

import json

import pytest

from neurorice.asic import power
from neurorice.asic.netlist import INPUT_TRANSITION_NS
from neurorice.hardware.gatesim import GateRun


def approx(expected):
    """Equal to a millionth: the energies here are 1e-13 J, under pytest.approx's
    default absolute tolerance of 1e-12."""
    return pytest.approx(expected, rel=1e-6, abs=0)


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
    pj, v2, t = 1e-12, 1.8 ** 2, INPUT_TRANSITION_NS
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
    assert terms["clock pins"] == approx(clock)
    assert terms["switching on pins"] == approx(pins)
    assert terms["wires"] == approx(wires)
    assert terms["other internal"] == approx(internal)
    assert terms["leakage"] == approx(
        (flop.leakage + inv.leakage) * 1e-9 + priced["clock_tree"]["leakage_w"])
    # one flip-flop: a single clock buffer drives it
    assert priced["clock_tree"]["buffers"] == 1
    # the clock pin, the largest term, is about 41 fJ a cycle (0.0163 + 0.0248 pJ)
    assert 0.035e-12 < clock < 0.05e-12


def test_power_by_register_adds_up_to_the_logic(pdk):
    """By register, a flip-flop's clock pins count with it: the hand netlist's one register
    (``q``, its inverter feeding it) holds every term but the clock tree."""
    library, _ = pdk
    cycles = 100
    run = GateRun(toggles={"clk": [2 * cycles], "rstn": [0], "n": [cycles], "q": [cycles]},
                  window=cycles, samples_in_window=cycles)
    priced = power.price(_Hand(), library, run, None, samples_per_second=1.0)
    assert set(priced["registers_w"]) <= {"q", "clock"}
    logic = priced["total_w"] - priced["terms_w"]["clock tree"] \
        - priced["clock_tree"]["leakage_w"]
    assert sum(priced["registers_w"].values()) == approx(logic)
