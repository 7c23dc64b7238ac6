"""Electrical repair: a driver over its pin's ``max_capacitance`` becomes the weakest
stronger cell of its function that drives the load; the rest of the netlist is kept."""

import copy
import json

import pytest

from neurorice.asic.netlist import Netlist
from neurorice.asic.repair import repair, stronger, upsize
from neurorice.asic.synthesis import rewritten, synthesise

INV = "sky130_fd_sc_hd__inv_{}"


def test_stronger_cells_share_the_function_and_pins(pdk):
    library, _ = pdk
    assert stronger(library, INV.format(1))[:3] == [INV.format(2), INV.format(4),
                                                    INV.format(6)]
    assert stronger(library, "sky130_fd_sc_hd__dfxtp_1") == [
        "sky130_fd_sc_hd__dfxtp_2", "sky130_fd_sc_hd__dfxtp_4"]
    assert stronger(library, INV.format(16)) == []
    assert stronger(library, "sky130_fd_sc_hd__conb_1") == []


def _chain():
    """Three inverters in a chain, the last driving a port."""
    cells = {f"i{n}": {"type": INV.format(1), "connections": {"A": [10 + n], "Y": [11 + n]}}
             for n in range(3)}
    module = {"ports": {"a": {"direction": "input", "bits": [10]},
                        "y": {"direction": "output", "bits": [13]}},
              "cells": cells, "netnames": {f"n{b}": {"bits": [b]} for b in range(10, 14)}}
    return module


def test_upsize_gives_each_overloaded_driver_the_weakest_cell_that_drives_it(pdk):
    library, _ = pdk
    module = _chain()
    limit = {k: library.cells[INV.format(k)].pins["Y"].max_capacitance for k in (1, 2, 4)}
    # i0 drives a wire between inv_2's and inv_4's limits, i1 one within inv_1's, i2 one
    # no inverter can drive
    wires = {11: (limit[2] + limit[4]) / 2, 12: limit[1] / 4, 13: 100.0}
    netlist = Netlist(json.dumps({"modules": {"m": module}}), "m", library, wires)
    assert [b for b, _, _ in netlist.capacitance_violations()] == [11, 13]
    upsized, left = upsize(module, library, netlist)
    assert (upsized, left) == (1, 1)
    assert [module["cells"][f"i{n}"]["type"] for n in range(3)] == [
        INV.format(4), INV.format(1), INV.format(1)]
    repaired = Netlist(json.dumps({"modules": {"m": module}}), "m", library, wires)
    assert [b for b, _, _ in repaired.capacitance_violations()] == [13]
    # the nets are the same nets
    assert [c["connections"] for c in module["cells"].values()] == [
        c["connections"] for c in _chain()["cells"].values()]


def test_upsize_leaves_the_nets_it_is_told_to_skip(pdk):
    library, _ = pdk
    module = _chain()
    netlist = Netlist(json.dumps({"modules": {"m": module}}), "m", library, {11: 0.5})
    assert upsize(module, library, netlist, skip={11}) == (0, 0)
    assert module["cells"]["i0"]["type"] == INV.format(1)


ACCUMULATOR = """module acc(input clk, input rst, input [7:0] a, output reg [7:0] q);
always @(posedge clk) if (rst) q <= 0; else q <= q + a;
endmodule"""


def test_a_netlist_rewritten_with_an_upsized_cell_keeps_its_nets(pdk):
    """Yosys writes the netlists again from the changed module: the upsized cell is in the
    figures, the area grows by the difference, nothing else moves."""
    library, _ = pdk
    synthesis = synthesise(ACCUMULATOR, "acc", library, 20.48)
    flop = next(n for n, c in synthesis.module["cells"].items()
                if c["type"] == "sky130_fd_sc_hd__dfxtp_1")
    module = copy.deepcopy(synthesis.module)
    module["cells"][flop]["type"] = "sky130_fd_sc_hd__dfxtp_4"
    again = rewritten(synthesis, library, module, 1)
    assert again.module["cells"][flop]["type"] == "sky130_fd_sc_hd__dfxtp_4"
    assert again.upsized == 1
    assert again.cells["sky130_fd_sc_hd__dfxtp_4"] == 1
    assert sum(again.cells.values()) == sum(synthesis.cells.values())
    grown = (library.cells["sky130_fd_sc_hd__dfxtp_4"].area
             - library.cells["sky130_fd_sc_hd__dfxtp_1"].area)
    assert again.area_um2 == pytest.approx(synthesis.area_um2 + grown)
    assert {n: c["connections"] for n, c in again.module["cells"].items()} == {
        n: c["connections"] for n, c in synthesis.module["cells"].items()}
    assert f"sky130_fd_sc_hd__dfxtp_4 {flop.lstrip(chr(92))}" in again.netlist_verilog


def test_repair_of_a_netlist_within_its_limits_changes_nothing(pdk):
    library, _ = pdk
    synthesis = synthesise(ACCUMULATOR, "acc", library, 20.48)
    repaired, placement, summary = repair(synthesis, library)
    assert repaired is synthesis and placement is None
    assert summary == {"upsized": 0, "in_place": 0, "left": 0}
