"""The clock tree that drives the flip-flops' clock pins, from the library's clock buffers.

The clock net's sinks (the flip-flops' clock pins and their wire) are priced with the other
nets (:func:`neurorice.asic.netlist.energies`, the *clock pins* term); this is the tree of
:data:`CLOCK_BUFFER` that drives them, at most :data:`CLOCK_FANOUT` loads a buffer: its
buffers' internal energy, the wires and pins between them, their area and leakage.
:func:`clock_tree` sizes it from the sinks' count and the wire-load model;
:func:`placed_clock_tree` builds it on the placed sinks (:func:`neurorice.asic.wires.
clock_tree`). It stands apart from the pricing because it is a structure the netlist
does not hold: synthesis leaves the clock an ideal net.
"""

import math

from . import wires
from ..hardware.targets import SKY130_HD
from .netlist import mean_energy

__all__ = ["CLOCK_BUFFER", "CLOCK_FANOUT", "clock_tree", "placed_clock_tree"]

#: The clock tree: this buffer, each driving at most this many sinks or buffers.
CLOCK_BUFFER = SKY130_HD.clock_buffer
CLOCK_FANOUT = 10


def clock_tree(library, sinks, sink_capacitance_pf):
    """The clock tree of ``sinks`` clock pins (``sink_capacitance_pf`` in all) built from
    :data:`CLOCK_BUFFER`, :data:`CLOCK_FANOUT` loads a buffer: ``{"buffers", "levels",
    "energy_per_cycle_j", "area_um2", "leakage_w"}``. Each buffer's output net carries its
    loads' pins and a wire of the wire-load model; the sinks' own pins are not counted here
    (they are the *clock pins* term)."""
    buffer = library.cells[CLOCK_BUFFER]
    pin = buffer.pins["A"].capacitance
    out = next(p for p in buffer.outputs())
    v2 = library.voltage ** 2
    count, levels, energy, loads = 0, 0, 0.0, sinks
    per_sink = sink_capacitance_pf / max(1, sinks)
    load_pin = per_sink
    while loads > 1 or levels == 0:
        buffers = math.ceil(loads / CLOCK_FANOUT)
        fan = loads / buffers
        wire = library.wire_capacitance(math.ceil(fan))
        load = fan * load_pin + wire
        internal = (mean_energy([t[1] for t in out.internal], load)
                    + mean_energy([t[2] for t in out.internal], load)) * 1e-12
        # the buffers' output wires switch twice a cycle; the pins they drive are counted
        # at the level below (or, for the sinks, as clock pins)
        energy += buffers * (internal + 2 * (wire + (fan * load_pin if levels else 0.0))
                             * 1e-12 * v2 / 2)
        count += buffers
        levels += 1
        loads, load_pin = buffers, pin
        if buffers == 1:
            break
    energy += 2 * pin * 1e-12 * v2 / 2  # the root buffer's input
    return {"buffer": CLOCK_BUFFER, "fanout": CLOCK_FANOUT, "buffers": count,
            "levels": levels, "energy_per_cycle_j": energy,
            "area_um2": count * buffer.area, "leakage_w": count * buffer.leakage * 1e-9}


def placed_clock_tree(library, netlist, placement):
    """The clock tree of :func:`clock_tree`'s buffers built on the placed sinks
    (:func:`neurorice.asic.wires.clock_tree`), its wires from their places; the same
    dict, with ``"wire_um"``. The sinks' own pins are the *clock pins* term."""
    buffer = library.cells[CLOCK_BUFFER]
    out = next(p for p in buffer.outputs())
    v2 = library.voltage ** 2
    sinks, root = [], None
    sink_cap = sum(netlist.pin_cap.get(b, 0.0) for b in netlist.clock)
    count = sum(netlist.fanout.get(b, 0) for b in netlist.clock)
    per_sink = sink_cap / max(1, count)
    for bit in netlist.clock:
        for x, y, driver in placement.pins.get(bit, ()):
            if driver:
                root = (x, y)
            else:
                sinks.append((x, y, per_sink))
    if root is None:
        x0, y0, _, _ = placement.die
        root = (x0, y0)
    tree = wires.clock_tree(library, sinks, CLOCK_BUFFER, CLOCK_FANOUT, root)
    energy = 0.0
    for wire, pins, leaf, buffered in tree["nets"]:
        load = wire + pins
        if buffered:
            energy += (mean_energy([t[1] for t in out.internal], load)
                       + mean_energy([t[2] for t in out.internal], load)) * 1e-12
        # a rise and a fall a cycle; a leaf net's pins are the clock pins term
        energy += 2 * (wire + (0.0 if leaf else pins)) * 1e-12 * v2 / 2
    return {"buffer": CLOCK_BUFFER, "fanout": CLOCK_FANOUT, "buffers": tree["buffers"],
            "levels": tree["levels"], "energy_per_cycle_j": energy,
            "area_um2": tree["buffers"] * buffer.area,
            "leakage_w": tree["buffers"] * buffer.leakage * 1e-9,
            "wire_um": tree["wire_um"], "placed": True}
