"""The latch-array memory model (neurorice/asic/memory.py), priced by hand from the library."""

import pytest

from neurorice.asic import memory, wires
from neurorice.asic.netlist import INPUT_TRANSITION_NS


def approx(expected):
    """Equal to a millionth: the energies here are 1e-13 J, under pytest.approx's
    default absolute tolerance of 1e-12."""
    return pytest.approx(expected, rel=1e-6, abs=0)


@pytest.mark.parametrize("lines, halves", [("wire-load", False), ("floorplan", False),
                                           ("floorplan", True)])
def test_memory_data_toggles_priced_by_hand(pdk, lines, halves):
    """A toggle of write data charges the line to every bank's driver, the bank's bus and
    its latches' inputs; a toggle of read data, its AND gate and the OR trees above it.
    The lines' wires: the wire-load model's, or the floorplan's lengths (a column's on
    met2, the read path shared among its gates)."""
    library, _ = pdk
    pj, v2, t = 1e-12, 1.8 ** 2, INPUT_TRANSITION_NS
    cells = library.cells
    width, depth, rows = 3, 8, 4  # two banks of four rows
    quiet = memory.price_memory(library, width, depth, 1.0, 1.0, rows, {"write": 0, "read": 0},
                                lines=lines, halves=halves)
    busy = memory.price_memory(library, width, depth, 1.0, 1.0, rows, {"write": 1, "read": 1},
                               lines=lines, halves=halves)
    if lines == "wire-load":
        line_wire, bus_wire, hop = (library.wire_capacitance(2), library.wire_capacitance(4),
                                    library.wire_capacitance(1))
    else:
        # two banks of four rows and a driver row each, a row at the foot: 11 rows of
        # 2.72 µm; the write line up all of it, a bank's bus up its four rows, a changed
        # bit's path half a bank and half the array, over its three gates
        met2 = wires.LAYER_PF_PER_UM["met2"]
        height = 11 * 2.72
        line_wire, bus_wire = height * met2, 4 * 2.72 * met2
        hop = (5 * 2.72 / 2 + height / (4 if halves else 2)) * met2 / 3
        assert busy["floorplan"]["height_um"] == approx(height)
    driver, latch = cells[memory.DRIVER], cells[memory.LATCH]
    gate, tree = cells[memory.READ_GATE], cells[memory.OR_GATE]

    def pin(cell, name):
        _, rise, fall = cell.pins[name].internal[0]
        return (rise.lookup(t) + fall.lookup(t)) / 2 * pj

    def out(cell, load, related=None):
        arcs = [a for a in cell.outputs()[0].internal if related in (None, a[0])]
        return sum((a[1].lookup(t, load) + a[2].lookup(t, load)) / 2 for a in arcs) \
            / len(arcs) * pj

    def switch(load):
        return load * pj * v2 / 2

    line = 2 * driver.pins["A"].capacitance + line_wire
    bus = rows * latch.pins["D"].capacitance + bus_wire
    write = switch(line) + 2 * pin(driver, "A") + out(driver, bus, "A") + switch(bus) \
        + rows * pin(latch, "D")
    if halves:
        # the two halves' gated drivers at the middle, the written one driving its half's
        # line (half the wire, one bank's driver), then that bank's bus as before
        root = 2 * driver.pins["A"].capacitance + 5.0 * wires.LAYER_PF_PER_UM["met1"]
        half = driver.pins["A"].capacitance + line_wire / 2
        write = switch(root) + 2 * pin(driver, "A") + out(driver, half, "A") + switch(half) \
            + pin(driver, "A") + out(driver, bus, "A") + switch(bus) + rows * pin(latch, "D")
    or_load = tree.pins["A"].capacitance + hop
    levels = 1 + 1  # four rows: one level of four-input ORs; two banks: one more
    read = out(gate, or_load) + switch(or_load) \
        + levels * (out(tree, or_load) + switch(or_load) + pin(tree, "A"))
    assert busy["write_energy_j"] - quiet["write_energy_j"] == approx(width * write)
    assert busy["read_energy_j"] - quiet["read_energy_j"] == approx(width * read)


def test_a_registered_read_prices_its_flip_flops(pdk):
    """A memory read through a register (Yosys folds the design's into the memory) pays a
    flip-flop a bit: its clock every cycle, its area and leakage."""
    library, _ = pdk
    activity = {"write": 0.5, "read": 0.5}
    plain = memory.price_memory(library, 8, 64, 1.0, 1.0, 16, activity)
    registered = memory.price_memory(library, 8, 64, 1.0, 1.0, 16, activity,
                                     registered_read=True)
    flop = library.cells[memory.READ_FLOP]
    _, rise, fall = flop.pins["CLK"].internal[0]
    t = INPUT_TRANSITION_NS
    clock = 8 * (rise.lookup(t) + fall.lookup(t)) * 1e-12  # about 41 fJ a flip-flop
    extra = registered["clock_energy_per_cycle_j"] - plain["clock_energy_per_cycle_j"]
    # and their clock net, along the array's foot (a row's length), a rise and a fall
    net = 8 * flop.pins["CLK"].capacitance \
        + registered["floorplan"]["width_um"] * wires.LAYER_PF_PER_UM["met1"]
    assert extra == approx(clock + net * 1e-12 * 1.8 ** 2)
    assert registered["area_um2"] - plain["area_um2"] == approx(8 * flop.area)
    assert registered["cells"]["dfxtp_1"] == 8 and "dfxtp_1" not in plain["cells"]


def test_a_segmented_write_line_is_charged_as_far_as_the_written_bank(pdk):
    """Ports at the middle, each half's line a chain of repeaters a bank apart: a write to
    a half's ``k``-th bank toggles segments 0..k (each a bank's height of met2, the bank's
    driver and the next repeater on it), averaged over the half's banks."""
    library, _ = pdk
    pj, v2, t = 1e-12, 1.8 ** 2, INPUT_TRANSITION_NS
    cells = library.cells
    width, depth, rows = 3, 16, 4  # four banks, two a half
    quiet, busy = (memory.price_memory(library, width, depth, 1.0, 1.0, rows,
                                       {"write": a, "read": 0}, halves=True, segmented=True)
                   for a in (0, 1))
    driver, latch, repeater = (cells[memory.DRIVER], cells[memory.LATCH],
                               cells[memory.REPEATER])

    def pin(cell, name):
        _, rise, fall = cell.pins[name].internal[0]
        return (rise.lookup(t) + fall.lookup(t)) / 2 * pj

    def out(cell, load):
        arcs = [a for a in cell.outputs()[0].internal if a[0] == "A"]
        return sum((a[1].lookup(t, load) + a[2].lookup(t, load)) / 2 for a in arcs) \
            / len(arcs) * pj

    def switch(load):
        return load * pj * v2 / 2

    met1, met2 = wires.LAYER_PF_PER_UM["met1"], wires.LAYER_PF_PER_UM["met2"]
    segment = 5 * 2.72 * met2  # a bank: four rows and its driver row
    inner = segment + driver.pins["A"].capacitance + repeater.pins["A"].capacitance
    outer = segment + driver.pins["A"].capacitance
    hop_inner = out(repeater, inner) + switch(inner) + pin(driver, "A") + pin(repeater, "A")
    hop_outer = out(repeater, outer) + switch(outer) + pin(driver, "A")
    root = 2 * repeater.pins["A"].capacitance + 5.0 * met1
    bus = rows * latch.pins["D"].capacitance + 4 * 2.72 * met2
    write = (switch(root) + 2 * pin(repeater, "A") + (hop_inner + (hop_inner + hop_outer)) / 2
             + out(driver, bus) + switch(bus) + rows * pin(latch, "D"))
    assert busy["write_energy_j"] - quiet["write_energy_j"] == approx(width * write)
    assert busy["cells"]["and2_1"] == width * depth + width * 4  # read gates and repeaters

    # at 1024 channels a toggle charges about half the half's line: less than halves alone
    activity = {"write": 0.34, "read": 0.2}
    halves, segmented = (memory.price_memory(library, 164, 1024, 1.0, 1.0, 32, activity,
                                             halves=True, segmented=s) for s in (False, True))
    assert 0.8 < segmented["write_energy_j"] / halves["write_energy_j"] < 0.95
    with pytest.raises(ValueError):
        memory.price_memory(library, 3, 16, 1.0, 1.0, 4, segmented=True)
