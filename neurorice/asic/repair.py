"""Electrical repair of a mapped netlist: every driver whose load (its pins and its wire,
from the wire-load model or a placement) exceeds its pin's ``max_capacitance`` becomes the
weakest stronger cell of the same function (``nand2_1`` to ``nand2_2`` or ``_4``), as a
place-and-route flow's design repair does.

ABC sizes the logic it maps against the wire-load model, and :mod:`.buffering` splits
nets of high fanout, but neither sees a placement: a net that crosses the die loads its
driver with its wire, and a minimum-size driver then switches it slower than the library
allows (OpenSTA's max-transition check) and outside the tables its energies come from.
Upsizing keeps the netlist's function and nets, so its simulations are unchanged; a
placed netlist is placed once more, since its cells' widths changed.

A load that even the strongest cell of the function cannot drive is left, and counted.
"""

import copy
import json
import re

from neurorice.hardware.tools import ToolError

from . import wires
from .netlist import Netlist
from .synthesis import rewritten

__all__ = ["MAX_ROUNDS", "repair", "stronger", "upsize"]

#: Rounds of upsizing against the same wires at most: a stronger cell loads the net that
#: drives it more.
MAX_ROUNDS = 4

_DRIVE = re.compile(r"^(.*)_(\d+)$")


def stronger(library, kind):
    """The library's cells of ``kind``'s function and pins with a stronger drive (its
    name's ``_N`` larger), weakest first; none for a cell without a drive suffix."""
    match = _DRIVE.match(kind)
    if match is None or kind not in library.cells:
        return []
    base, drive = match[1], int(match[2])
    pins = {name: (pin.direction, pin.function)
            for name, pin in library.cells[kind].pins.items()}
    found = []
    for name, cell in library.cells.items():
        other = _DRIVE.match(name)
        if other is None or other[1] != base or int(other[2]) <= drive or cell.dont_use:
            continue
        if {n: (p.direction, p.function) for n, p in cell.pins.items()} == pins:
            found.append((int(other[2]), name))
    return [name for _, name in sorted(found)]


def upsize(module, library, netlist, skip=()):
    """Give every driver in ``netlist`` (a :class:`~neurorice.asic.netlist.Netlist` of
    ``module``, with the loads to repair against) over its pin's ``max_capacitance`` the
    weakest stronger cell that can drive its load, in ``module`` (a Yosys JSON module,
    changed in place); nets in ``skip`` (the clock) are left. Returns ``(upsized, left)``:
    the cells changed and the nets no cell of their driver's function can drive."""
    upsized, left = 0, 0
    for bit, load, _limit in netlist.capacitance_violations():
        if bit in skip:
            continue
        cell_name, port = netlist.driver[bit]
        cell = module["cells"][cell_name]
        for kind in stronger(library, cell["type"]):
            limit = library.cells[kind].pins[port].max_capacitance
            if limit is None or limit >= load:
                cell["type"] = kind
                upsized += 1
                break
        else:
            left += 1
    return upsized, left


def _upsize_until_within(module, top, library, wire_pf, clock):
    """Upsize ``module``'s drivers against fixed wires (``wire_pf``, or the wire-load
    model's for None) until none is over its limit or :data:`MAX_ROUNDS` have passed
    (a stronger cell loads the net that drives it more); ``(upsized, left)``."""
    total, left = 0, 0
    for _ in range(MAX_ROUNDS):
        netlist = Netlist(json.dumps({"modules": {top: module}}), top, library, wire_pf)
        upsized, left = upsize(module, library, netlist, skip=clock)
        total += upsized
        if not upsized:
            break
    return total, left


def repair(synthesis, library, place=None):
    """Upsize ``synthesis``'s drivers over their limits against its loads: the wire-load
    model's, or with ``place`` (a function of a Yosys JSON module to a
    :class:`~neurorice.asic.placement.Placement`) a placement's. With a placement, the
    upsized netlist is placed again (its cells are wider) and what the new wires overload
    is upsized where it stands (a cell a site or two wider, not placed a third time, since
    placing the adc encoder takes half an hour). Returns ``(synthesis, placement or None,
    summary)``, ``summary`` with the cells ``upsized``, those of them upsized after the
    last placement (``in_place``), and the nets ``left`` over their limits."""
    placement = place(synthesis.module) if place is not None else None
    in_place = 0
    for placing in (True, False):
        plain = Netlist(synthesis.netlist_json, synthesis.top, library)
        wire_pf = (wires.placed_wires(placement, skip=plain.clock)[0]
                   if placement is not None else None)
        module = copy.deepcopy(synthesis.module)
        upsized, left = _upsize_until_within(module, synthesis.top, library, wire_pf,
                                             plain.clock)
        if not upsized:
            break
        before = {name: cell["connections"] for name, cell in module["cells"].items()}
        synthesis = rewritten(synthesis, library, module, upsized)
        if {name: cell["connections"] for name, cell in synthesis.module["cells"].items()} \
                != before:
            raise ToolError("Yosys renumbered the nets of the upsized netlist")
        if place is None:
            break
        if placing:
            placement = place(synthesis.module)
        else:
            in_place = upsized
    return synthesis, placement, {"upsized": synthesis.upsized, "in_place": in_place,
                                  "left": left}
