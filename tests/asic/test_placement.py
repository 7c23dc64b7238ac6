"""Placed wires: the spanning tree, the wire pricing on a hand-placed netlist, the clock
tree on placed sinks, and GrayWolf's placement of a small mapped netlist."""

import json

import pytest

from neurorice.asic import power, wires
from neurorice.asic.clocktree import CLOCK_BUFFER
from neurorice.asic.lef import read_macros
from neurorice.asic.library_path import locate, locate_lef
from neurorice.asic.netlist import mean_energy
from neurorice.asic.placement import Placement, _orient, place
from neurorice.asic.synthesis import synthesise
from neurorice.hardware.gatesim import GateRun

from .conftest import PDK_ROOT
from .test_power import _Hand


def approx(expected):
    """Equal to a millionth: the energies here are 1e-13 J, under pytest.approx's
    default absolute tolerance of 1e-12."""
    return pytest.approx(expected, rel=1e-6, abs=0)


def test_spanning_length_is_the_manhattan_tree():
    assert wires.spanning_length([(0, 0)]) == 0
    assert wires.spanning_length([(0, 0), (3, 4)]) == 7
    # a star's tree: each leaf joins its nearest point
    assert wires.spanning_length([(0, 0), (10, 0), (0, 10), (10, 10)]) == 30
    # three in a line: the two gaps, not the sum of all pairs
    assert wires.spanning_length([(0, 0), (5, 0), (12, 0)]) == 12


def test_placed_wires_price_the_hand_netlist(pdk):
    """The toggle flip-flop of :mod:`test_power`, placed by hand: ``q`` runs from the
    flip-flop's output at (10, 0) to the inverter at (10, 30) and the port at (40, 30)
    (a tree of 30 + 30 µm), ``n`` from (0, 30) to (0, 0) (30 µm); the clock's root net is
    the tree's, not a wire of its own."""
    library, _ = pdk
    pins = {5: [(10.0, 0.0, True), (10.0, 30.0, False), (40.0, 30.0, False)],
            4: [(0.0, 30.0, True), (0.0, 0.0, False)],
            2: [(-50.0, 0.0, True), (1.0, 1.0, False)], 3: [(-50.0, 5.0, True),
                                                         (2.0, 1.0, False)]}
    placement = Placement({}, pins, (0.0, 0.0, 40.0, 30.0), 20.0, 0.0, 0.0, 1)
    cycles = 100
    run = GateRun(toggles={"clk": [2 * cycles], "rstn": [0], "n": [cycles], "q": [cycles]},
                  window=cycles, samples_in_window=cycles)
    placed = power.price(_Hand(), library, run, None, samples_per_second=1.0,
                         placement=placement)
    per_um, v2 = wires.LAYER_PF_PER_UM[wires.SIGNAL_LAYER], 1.8 ** 2
    wire_q, wire_n = 60 * per_um, 30 * per_um
    assert placed["terms_w"]["wires"] == approx((wire_q + wire_n) * 1e-12 * v2 / 2)
    assert placed["wires"]["total_pf"] == approx(wire_q + wire_n + 56 * per_um)
    assert placed["wires"]["length_um"] == approx(60 + 30 + 56)
    # the clock pin's own energy is the wire-load model's run's, less that model's wire
    model = power.price(_Hand(), library, run, None, samples_per_second=1.0)
    flop = library.cells["sky130_fd_sc_hd__dfrtp_1"]
    assert placed["terms_w"]["clock pins"] == approx(
        model["terms_w"]["clock pins"] - 2 * library.wire_capacitance(1) * 1e-12 * v2 / 2)
    # the tree: one buffer at the sink, 1 µm from it, the root 51 + 1 µm from the buffer
    tree = placed["clock_tree"]
    assert tree["buffers"] == 1 and tree["placed"]
    assert tree["wire_um"] == approx(0 + 52)
    buffer = library.cells[CLOCK_BUFFER]
    clock_per_um = wires.LAYER_PF_PER_UM[wires.CLOCK_LAYER]
    out = buffer.outputs()[0]
    leaf = flop.pins["CLK"].capacitance  # the buffer's load: the sink's pin, no wire
    internal = sum(mean_energy([a[k] for a in out.internal], leaf) for k in (1, 2))
    root = 52 * clock_per_um + buffer.pins["A"].capacitance
    assert tree["energy_per_cycle_j"] == approx(internal * 1e-12
                                                       + root * 1e-12 * v2)


def test_clock_tree_groups_sinks_by_place(pdk):
    library, _ = pdk
    # two clusters of ten sinks far apart: a buffer at the middle of each, which the
    # clock's input drives
    sinks = [(x, 0.0, 0.002) for x in range(10)] + [(1000.0 + x, 0.0, 0.002)
                                                      for x in range(10)]
    tree = wires.clock_tree(library, sinks, CLOCK_BUFFER, 10, (0.0, 0.0))
    assert tree["buffers"] == 2 and tree["levels"] == 1
    leaves = [n for n in tree["nets"] if n[2]]
    assert len(leaves) == 2
    assert all(n[1] == approx(0.02) for n in leaves)
    per_um = wires.LAYER_PF_PER_UM[wires.CLOCK_LAYER]
    assert all(n[0] == approx(9 * per_um) for n in leaves)
    (root,) = [n for n in tree["nets"] if not n[3]]
    assert root[0] == approx(1004.5 * per_um)
    assert tree["wire_um"] == approx(2 * 9 + 1004.5)


def test_orientation_mirrors_pins():
    assert _orient(1.0, 0.5, 4.0, 2.72, 0) == (1.0, 0.5)
    assert _orient(1.0, 0.5, 4.0, 2.72, 1) == (1.0, approx(2.22))
    assert _orient(1.0, 0.5, 4.0, 2.72, 2) == (3.0, 0.5)


def test_lef_gives_sizes_and_signal_pins():
    _, lef = None, locate_lef(locate(environ={"PDK_ROOT": str(PDK_ROOT)})[0])
    macros = read_macros(lef.read_text())
    nand = macros["sky130_fd_sc_hd__nand2_1"]
    assert (nand.width, nand.height) == (1.38, 2.72)
    assert set(nand.pins) == {"A", "B", "Y"}  # no power pins
    assert all(0 <= x <= nand.width and 0 <= y <= nand.height for x, y in nand.pins.values())


ACCUMULATOR = """module acc(input clk, input rst, input [7:0] a, output reg [7:0] q);
always @(posedge clk) if (rst) q <= 0; else q <= q + a;
endmodule"""


def test_graywolf_places_a_small_netlist(pdk, tmp_path):
    library, _ = pdk
    synthesis = synthesise(ACCUMULATOR, "acc", library, 20.48)
    lef = locate_lef(library.path)
    placement = place(synthesis.module, lef, utilisation=0.6, cache=tmp_path)
    macros = read_macros(lef.read_text())
    cells = synthesis.module["cells"]
    assert set(placement.cells) == set(cells)
    x0, y0, x1, y1 = placement.die
    # every cell in the die, its LEF width, on a row; no two overlap in a row
    rows = {}
    for name, (cx0, cy0, cx1, cy1, _) in placement.cells.items():
        macro = macros[cells[name]["type"]]
        assert cx1 - cx0 == pytest.approx(macro.width, abs=0.011)
        assert cy1 - cy0 == pytest.approx(macro.height, abs=0.011)
        assert x0 <= cx0 and cx1 <= x1 and y0 <= cy0 and cy1 <= y1
        rows.setdefault(cy0, []).append((cx0, cx1))
    for spans in rows.values():
        spans.sort()
        assert all(a[1] <= b[0] + 1e-6 for a, b in zip(spans, spans[1:]))
    assert 0.45 < placement.utilisation < 0.75
    # every net of two or more pins has its pins, each pin inside its cell or on a pad
    module_bits = {b for c in cells.values() for bits in c["connections"].values()
                   for b in bits if isinstance(b, int)}
    assert module_bits <= set(placement.pins)
    # and the cache gives the same placement back
    again = place(synthesis.module, lef, utilisation=0.6, cache=tmp_path)
    assert again.cells == placement.cells
    assert json.dumps(again.summary()["die_um"]) == json.dumps(placement.summary()["die_um"])
