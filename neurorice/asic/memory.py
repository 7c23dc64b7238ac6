"""The channels' state memories priced as banked latch arrays built from library cells.

This is a model from the library's cells, not a simulated netlist: the array is not
synthesised (151 k bit cells at 1024 channels), each of its parts is a library cell whose
area, leakage and internal-energy tables are the library's, and the activity is stated:

- a bit: a latch (:data:`LATCH`) and an AND gate (:data:`READ_GATE`) that puts it on its
  column's read OR tree (:data:`OR_GATE`, four inputs) when its row is read;
- a row: an integrated clock gate (:data:`CLOCK_GATE`) that opens the row's latches on a
  write, and two row decoders (:data:`DECODER`), one for reading and one for writing;
- banks of :data:`ROWS_PER_BANK` rows: a bank's clock gate and its local write-data bus,
  driven from the array's write data through an AND gate a bit (:data:`DRIVER`) opened by
  the bank's select, so a write clocks one bank's row gates and drives one bank's latch
  inputs, not the whole array's; a read ORs one bank's rows and selects the bank with a
  second OR tree.

Each access of a state memory (a read and a write a sample, :class:`gateware.state.
ChannelState`) costs: the bank clock gates every cycle (the clock reaches all of them), the
active bank's row gates, the written row's gate opening its latches, the row decoders and
read enables switching (two rows a read: the last one off, the next one on). The data cost
what they toggle, as measured in the gate-level runs where the flow has them
(:func:`neurorice.asic.memory_activity.memory_activity`), else :data:`DATA_ACTIVITY`: each toggle of
the write data charges the line to every bank's driver and the active bank's bus with its
latches' inputs, glitches included; each toggle of the read data (a bit that differs from
the row read before) goes through its AND gate and up both OR trees. The written row's
latches change where the channel's state changed: :data:`DATA_ACTIVITY` of them, assumed.

The lines' wires come from a stated floorplan (:func:`floorplan`), at the layer
capacitances of :mod:`neurorice.asic.wires` (a row's lines on met1, a column's on met2):
a memory row is one standard-cell row, its bits side by side and bit-sliced (bit ``k`` of
every row at the same place along the row), its clock gate and decoders at the row's
end; a bank is :data:`ROWS_PER_BANK` such rows over a row of its write drivers and its
OR trees' roots; the banks are stacked, the array's ports on its lower edge. A column's
lines (the write-data line through every bank, a bank's write bus, the read trees) run
up the array; a row's (its gated clock, its read enable) along it. ``lines="wire-load"``
prices the same lines with the library's wire-load model instead. The ports may sit at the
array's middle instead (``halves``), and each half's write-data line may be cut a bank at a
time by gated repeaters (``segmented``), which sit in the banks' driver rows.
"""

import math

from ..hardware.targets import SKY130_HD
from .netlist import INPUT_TRANSITION_NS, OUTPUT_LOAD_PF
from .wires import LAYER_PF_PER_UM

__all__ = ["floorplan", "price_memory"]

LATCH = SKY130_HD.latch
READ_GATE = SKY130_HD.read_and
OR_GATE = SKY130_HD.read_or
CLOCK_GATE = SKY130_HD.clock_gate
DECODER = SKY130_HD.decoder
DRIVER = SKY130_HD.driver
#: A read port's output register, where the design reads through one (a synchronous read).
READ_FLOP = SKY130_HD.flop
#: A segmented write-data line's gated repeater, a bit a bank: its line is a bank long.
REPEATER = SKY130_HD.repeater
ROWS_PER_BANK = 32
#: The floorplan: a standard-cell row's height (µm), the cells' share of a row's length
#: (the rest: tap cells and room for the router), a net between neighbouring cells (µm).
ROW_HEIGHT_UM = 2.72
ROW_UTILISATION = 0.8
LOCAL_UM = 5.0
ROW_LAYER, COLUMN_LAYER = "met1", "met2"
#: Toggles of a data bit an access where none were measured, and the fraction of a written
#: row's bits that change: random data.
DATA_ACTIVITY = 0.5


def _toggle_energy(library, name, pin_from, load_pf):
    """Internal energy (J) of one output toggle of cell ``name`` driving ``load_pf``."""
    cell = library.cells[name]
    out = next(p for p in cell.outputs())
    arcs = [a for a in out.internal if pin_from is None or a[0] == pin_from] or out.internal
    rise = sum(a[1].lookup(INPUT_TRANSITION_NS, load_pf) for a in arcs if a[1]) / len(arcs)
    fall = sum(a[2].lookup(INPUT_TRANSITION_NS, load_pf) for a in arcs if a[2]) / len(arcs)
    return (rise + fall) / 2 * 1e-12


def _pin_energy(library, name, pin):
    """Internal energy (J) of one toggle of input ``pin`` of cell ``name``."""
    p = library.cells[name].pins[pin]
    if not p.internal:
        return 0.0
    _, rise, fall = p.internal[0]
    return ((rise.lookup(INPUT_TRANSITION_NS) if rise else 0)
            + (fall.lookup(INPUT_TRANSITION_NS) if fall else 0)) / 2 * 1e-12


def floorplan(library, width, depth, rows_per_bank=ROWS_PER_BANK):
    """The latch array's floorplan (see the module's docstring): its size and each line's
    length, µm. A bit's share of a row: its latch, read gate and its share of the bank's
    OR tree; a row's end: its clock gate and two decoders."""
    cells = library.cells
    rows = min(depth, rows_per_bank)
    banks = math.ceil(depth / rows)
    or_row = math.ceil((rows - 1) / 3)
    bit_um = (cells[LATCH].area + cells[READ_GATE].area
              + cells[OR_GATE].area * or_row / rows) / ROW_HEIGHT_UM / ROW_UTILISATION
    end_um = (cells[CLOCK_GATE].area + 2 * cells[DECODER].area) / ROW_HEIGHT_UM \
        / ROW_UTILISATION
    row_um = width * bit_um + end_um
    # a bank: its rows and one row of write drivers and OR roots (width and2_4 and
    # ceil((banks-1)/3) or4 a column at the array's foot, one row more)
    bank_um = (rows + 1) * ROW_HEIGHT_UM
    height = banks * bank_um + ROW_HEIGHT_UM
    return {"rows_per_bank": rows, "banks": banks, "bit_pitch_um": bit_um,
            "width_um": row_um, "height_um": height, "bank_height_um": bank_um,
            "lines_um": {
                # a column: the write-data line from the foot to every bank's driver
                "write line": height,
                # a bank's write bus: its driver up the bank's rows
                "bank bus": rows * ROW_HEIGHT_UM,
                # a row's gated clock and read enable: along the row
                "row clock": row_um, "read enable": row_um,
                # at the rows' ends: a bank's gated clock up its rows, the clock up the
                # array to every bank's gate
                "bank clock": rows * ROW_HEIGHT_UM, "clock": height,
                # a changed bit's path up its column's OR trees: half a bank, then from
                # the bank to the foot, half the array on average
                "read path": bank_um / 2 + (height / 2 if banks > 1 else 0.0),
                "local": LOCAL_UM}}


def price_memory(library, width, depth, accesses_per_second, cycles_per_second,
                 rows_per_bank=ROWS_PER_BANK, activity=None, registered_read=False,
                 lines="floorplan", halves=False, segmented=False):
    """Area, leakage and access power of a ``width`` x ``depth`` latch array of banks of
    ``rows_per_bank`` rows, read and written ``accesses_per_second`` times each, clocked at
    ``cycles_per_second``; ``activity``, where measured, is ``{"write", "read"}``: toggles
    of a write-data and of a read-data bit a cycle. With ``registered_read`` the read data
    go through a flip-flop a bit (:data:`READ_FLOP`, clocked every cycle), which Yosys
    folds into the memory from the design's registers. ``lines``: ``"floorplan"``,
    ``"wire-load"`` or each line's wire given, ``{line: pF}``. With ``halves`` the ports
    sit at the array's middle and a write-data toggle drives only the written half's line
    (through a gated :data:`DRIVER` a half a bit), and a read bit's path runs from its bank
    to the middle. With ``segmented`` too, each half's write-data line is a chain of
    segments a bank long, each driven by a gated :data:`REPEATER` a bit that is open only
    where the written bank lies at or beyond it, so a toggle charges the line only as far
    as the written bank (half the half's line on average) and not the banks past it."""
    if segmented and not halves:
        raise ValueError("a segmented write line has its ports at the middle (halves)")
    cells, v2 = library.cells, library.voltage ** 2
    cap = {name: {p: pin.capacitance for p, pin in cells[name].pins.items()}
           for name in (LATCH, READ_GATE, OR_GATE, CLOCK_GATE, DECODER, DRIVER, READ_FLOP,
                        REPEATER)}
    rows = min(depth, rows_per_bank)
    banks = math.ceil(depth / rows)
    or_row = math.ceil((rows - 1) / 3)  # four-input ORs to join a bank's rows, a column
    or_bank = math.ceil((banks - 1) / 3) if banks > 1 else 0
    if segmented and banks == 1:
        segmented = False  # one bank: the halves' drivers, nothing to segment
    counts = {}
    for name, k in ((LATCH, width * depth), (READ_GATE, width * depth),
                    (OR_GATE, width * (banks * or_row + or_bank)),
                    (CLOCK_GATE, depth + banks), (DECODER, 2 * depth),
                    # a bank's local write-data bus drivers; the halves' drivers at the
                    # middle, or the segmented line's repeaters (a cell may serve twice)
                    (DRIVER, width * banks + (2 * width if halves and not segmented else 0)),
                    (REPEATER, width * 2 * math.ceil(banks / 2) if segmented else 0),
                    (READ_FLOP, width if registered_read else 0)):
        counts[name] = counts.get(name, 0) + k
    area = sum(cells[n].area * k for n, k in counts.items())
    leakage = sum(cells[n].leakage * k for n, k in counts.items()) * 1e-9

    def switch(load_pf, toggles=1):
        return toggles * load_pf * 1e-12 * v2 / 2

    plan = floorplan(library, width, depth, rows_per_bank)
    if lines == "floorplan":
        row_pf, column_pf = LAYER_PF_PER_UM[ROW_LAYER], LAYER_PF_PER_UM[COLUMN_LAYER]
        lengths = plan["lines_um"]
        line_pf = {"write line": lengths["write line"] * column_pf,
                   "bank bus": lengths["bank bus"] * column_pf,
                   "row clock": lengths["row clock"] * row_pf,
                   "read enable": lengths["read enable"] * row_pf,
                   "bank clock": lengths["bank clock"] * column_pf,
                   "clock": lengths["clock"] * column_pf,
                   "read path": lengths["read path"] * column_pf,
                   "local": lengths["local"] * row_pf}
    elif isinstance(lines, dict):  # each line's wire given (pF), e.g. from a placement
        line_pf = dict(lines)
    elif lines == "wire-load":
        wl = library.wire_capacitance
        line_pf = {"write line": wl(banks), "bank bus": wl(rows), "row clock": wl(width),
                   "read enable": wl(width), "bank clock": wl(rows), "clock": wl(banks),
                   "read path": 0.0, "local": wl(1)}
    else:
        raise ValueError(f"lines must be floorplan or wire-load, not {lines!r}")
    # every cycle: the bank clock gates' clock pins (a rise and a fall), and their net
    bank_clock = banks * 2 * _pin_energy(library, CLOCK_GATE, "CLK") \
        + switch(banks * cap[CLOCK_GATE]["CLK"] + line_pf["clock"], 2)
    # a write: the bank's gate opens (its output drives the bank's row gates), the row's
    # gate opens its latches, the write data toggle on the bank's local bus
    bank_gclk = rows * cap[CLOCK_GATE]["CLK"] + line_pf["bank clock"]
    row_gclk = width * cap[LATCH]["GATE"] + line_pf["row clock"]
    write = (2 * _toggle_energy(library, CLOCK_GATE, None, bank_gclk) + switch(bank_gclk, 2)
             + rows * 2 * _pin_energy(library, CLOCK_GATE, "CLK")
             + 2 * _toggle_energy(library, CLOCK_GATE, None, row_gclk) + switch(row_gclk, 2)
             + width * 2 * _pin_energy(library, LATCH, "GATE"))
    # the write data: a toggle charges the line to every bank's driver, and the active
    # bank's bus and its latches' inputs; the written row's latches that change
    per_access = cycles_per_second / accesses_per_second
    measured = activity is not None
    if activity is None:
        activity = {"write": DATA_ACTIVITY / per_access, "read": DATA_ACTIVITY / per_access}
    bus = rows * cap[LATCH]["D"] + line_pf["bank bus"]
    local_bus = (_toggle_energy(library, DRIVER, "A", bus) + switch(bus)
                 + rows * _pin_energy(library, LATCH, "D"))
    if segmented:
        # the ports at the middle; a half's line a chain of segments a bank long, segment
        # ``i`` (from the middle) driven by its repeater, open while the written bank is
        # ``i`` or beyond; a segment carries its bank's driver and the next repeater. A
        # write to the ``k``-th bank of a half toggles the repeaters and segments 0..k
        h = math.ceil(banks / 2)
        segment = (plan["bank_height_um"] * LAYER_PF_PER_UM[COLUMN_LAYER]
                   if lines == "floorplan" else line_pf["write line"] / banks)
        root = 2 * cap[REPEATER]["A"] + line_pf["local"]

        def hop(last):
            load = segment + cap[DRIVER]["A"] + (0 if last else cap[REPEATER]["A"])
            return (_toggle_energy(library, REPEATER, "A", load) + switch(load)
                    + _pin_energy(library, DRIVER, "A")
                    + (0 if last else _pin_energy(library, REPEATER, "A")))

        chains = [sum(hop(i == h - 1) for i in range(k + 1)) for k in range(h)]
        data_toggle = (switch(root) + 2 * _pin_energy(library, REPEATER, "A")
                       + sum(chains) / h + local_bus)
        # a repeater's opening toggles twice a round of the rows (on as the written bank
        # reaches it, off as the writes go back to the first bank): a line along the foot
        # to its ``width`` repeaters
        opening = width * cap[REPEATER]["B"] + plan["width_um"] * LAYER_PF_PER_UM[ROW_LAYER]
        write += 2 * h * 2 / depth * (switch(opening)
                                      + width * _pin_energy(library, REPEATER, "B"))
    elif halves and banks > 1:
        # the ports at the array's middle, a stack of banks above and one below: a write-data
        # toggle reaches the two halves' gated drivers (a :data:`DRIVER` each, opened by
        # the written half), and the open one drives its half's line to its banks' drivers
        half = math.ceil(banks / 2) * cap[DRIVER]["A"] + line_pf["write line"] / 2
        root = 2 * cap[DRIVER]["A"] + line_pf["local"]
        data_toggle = (switch(root) + 2 * _pin_energy(library, DRIVER, "A")
                       + _toggle_energy(library, DRIVER, "A", half) + switch(half)
                       + math.ceil(banks / 2) * _pin_energy(library, DRIVER, "A") + local_bus)
        # the halves' opening signals run along the foot to their width drivers and toggle
        # as the written half changes: twice a round of the rows
        opening = width * cap[DRIVER]["B"] + plan["width_um"] * LAYER_PF_PER_UM[ROW_LAYER]
        write += 2 * 2 / depth * (switch(opening) + width * _pin_energy(library, DRIVER, "B"))
    else:
        line = banks * cap[DRIVER]["A"] + line_pf["write line"]
        data_toggle = switch(line) + banks * _pin_energy(library, DRIVER, "A") + local_bus
    write += activity["write"] * per_access * width * data_toggle
    local = line_pf["local"]
    write += DATA_ACTIVITY * width * (
        _toggle_energy(library, LATCH, "D", cap[READ_GATE]["B"] + local)
        + switch(cap[READ_GATE]["B"] + local))
    write += 2 * (_toggle_energy(library, DECODER, None, cap[CLOCK_GATE]["GATE"] + local)
                  + switch(cap[CLOCK_GATE]["GATE"] + local))
    # a read: two rows' enables switch (decoder outputs driving the row's AND gates)
    enable = width * cap[READ_GATE]["A"] + line_pf["read enable"]
    read = 2 * (_toggle_energy(library, DECODER, None, enable) + switch(enable)
                + width * _pin_energy(library, READ_GATE, "A"))
    levels = math.ceil(math.log(max(rows, 2), 4)) + (math.ceil(math.log(banks, 4))
                                                     if banks > 1 else 0)
    # a changed bit: its AND gate, then each OR level of the path (two toggles: the old
    # row's bit goes off, the new row's comes on, where they differ); the path's wire
    # shared among its levels
    path_pf = line_pf["read path"]
    if halves and lines == "floorplan" and banks > 1:
        path_pf -= plan["height_um"] / 4 * LAYER_PF_PER_UM[COLUMN_LAYER]
    hop = path_pf / (levels + 1) if lines != "wire-load" else library.wire_capacitance(1)
    or_load = cap[OR_GATE]["A"] + hop
    path = (_toggle_energy(library, READ_GATE, None, or_load) + switch(or_load)
            + levels * (_toggle_energy(library, OR_GATE, None, or_load) + switch(or_load)
                        + _pin_energy(library, OR_GATE, "A")))
    read += activity["read"] * per_access * width * path
    if registered_read:
        # the register's clock pins and their net every cycle; a changed bit at its input
        # and output (its output's load, the logic's, is priced with the logic)
        # the register sits along the array's foot, a bit under its column
        register_clock = (library.wire_capacitance(width) if lines == "wire-load"
                          else plan["width_um"] * LAYER_PF_PER_UM[ROW_LAYER])
        bank_clock += width * 2 * _pin_energy(library, READ_FLOP, "CLK") \
            + switch(width * cap[READ_FLOP]["CLK"] + register_clock, 2)
        read += activity["read"] * per_access * width * (
            _pin_energy(library, READ_FLOP, "D")
            + _toggle_energy(library, READ_FLOP, "CLK", OUTPUT_LOAD_PF))
    dynamic = bank_clock * cycles_per_second + (read + write) * accesses_per_second
    return {"width": width, "depth": depth, "banks": banks, "rows_per_bank": rows,
            "cells": {n.split("__")[1]: k for n, k in counts.items() if k},
            "area_um2": area,
            "leakage_w": leakage, "read_energy_j": read, "write_energy_j": write,
            "clock_energy_per_cycle_j": bank_clock, "dynamic_w": dynamic,
            "data_toggles_per_cycle": activity, "activity_measured": measured,
            "registered_read": registered_read, "halves": halves, "segmented": segmented,
            "lines": lines if isinstance(lines, str) else "given",
            "floorplan": plan, "lines_pf": line_pf,
            "floorplan_area_um2": plan["width_um"] * plan["height_um"],
            "total_w": dynamic + leakage}
