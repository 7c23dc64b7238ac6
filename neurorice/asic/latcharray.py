"""A small latch array built cell for cell as :mod:`neurorice.asic.memory` prices it, placed
with GrayWolf, to check the floorplan's lines against a placer's.

:func:`bank_array` writes the array as a netlist of library cells (a Yosys JSON module):
per bit a ``dlxtp`` latch and an ``and2`` read gate, per row a ``dlclkp`` clock gate and
two ``and4`` decoders, per bank a ``dlclkp`` and an ``and2_4`` driver a bit, ``or4`` trees
up each column of a bank and across the banks. The decoders' inputs are the address
bits as they come (placement needs the nets, not the logic). :func:`check` places it and
prices an access with each line's mean placed wire (:func:`memory.price_memory` with the
lines given), beside the floorplan's lines for the same array.
"""

import math

from . import memory, wires
from ..hardware.targets import SKY130_HD
from .placement import place

__all__ = ["bank_array", "check", "placed_lines"]


def _cell(kind, **pins):
    return {"type": SKY130_HD.cell(kind), "connections": {p: [b] for p, b in pins.items()},
            "port_directions": {p: ("output" if p in ("Q", "X", "GCLK") else "input")
                                for p in pins}}


def bank_array(width, rows, banks):
    """The array's module and its nets by line: ``(module, {line: [net bits]}, paths)``,
    ``paths`` each changed bit's read path as the nets it crosses."""
    bits = iter(range(2, 10**9))
    depth = rows * banks
    address = max(2, math.ceil(math.log2(depth)))
    clk, we = next(bits), next(bits)
    waddr = [next(bits) for _ in range(address)]
    raddr = [next(bits) for _ in range(address)]
    wdata = [next(bits) for _ in range(width)]
    cells, lines = {}, {k: [] for k in ("write line", "bank bus", "row clock", "read enable",
                                        "bank clock", "clock", "local")}
    lines["write line"] = list(wdata)
    lines["clock"] = [clk]
    column_roots = [[] for _ in range(width)]
    paths = []
    for b in range(banks):
        select, bgclk = next(bits), next(bits)
        cells[f"bsel{b}"] = _cell("and2_1", A=we, B=waddr[-1], X=select)
        cells[f"bgate{b}"] = _cell("dlclkp_1", CLK=clk, GATE=select, GCLK=bgclk)
        lines["bank clock"].append(bgclk)
        bus = []
        for k in range(width):
            net = next(bits)
            cells[f"drv{b}_{k}"] = _cell("and2_4", A=wdata[k], B=select, X=net)
            bus.append(net)
        lines["bank bus"] += bus
        outs = [[] for _ in range(width)]
        for r in range(rows):
            row = b * rows + r
            wdec, rdec, rgclk = next(bits), next(bits), next(bits)
            cells[f"wdec{row}"] = _cell("and4_1", A=waddr[0], B=waddr[1], C=waddr[row % address],
                                        D=waddr[(row + 1) % address], X=wdec)
            cells[f"rdec{row}"] = _cell("and4_1", A=raddr[0], B=raddr[1], C=raddr[row % address],
                                        D=raddr[(row + 1) % address], X=rdec)
            cells[f"rgate{row}"] = _cell("dlclkp_1", CLK=bgclk, GATE=wdec, GCLK=rgclk)
            lines["row clock"].append(rgclk)
            lines["read enable"].append(rdec)
            lines["local"].append(wdec)
            for k in range(width):
                q, a = next(bits), next(bits)
                cells[f"lat{row}_{k}"] = _cell("dlxtp_1", D=bus[k], GATE=rgclk, Q=q)
                cells[f"rd{row}_{k}"] = _cell("and2_1", A=rdec, B=q, X=a)
                lines["local"].append(q)
                outs[k].append([a])
        for k in range(width):
            column_roots[k].append(_or_tree(cells, bits, outs[k], f"or{b}_{k}"))
    rdata = []
    for k in range(width):
        root = _or_tree(cells, bits, column_roots[k], f"orb_{k}")
        rdata.append(root[-1])
        paths += _expand(root)
    ports = {"clk": {"direction": "input", "bits": [clk]},
             "we": {"direction": "input", "bits": [we]},
             "waddr": {"direction": "input", "bits": waddr},
             "raddr": {"direction": "input", "bits": raddr},
             "wdata": {"direction": "input", "bits": wdata},
             "rdata": {"direction": "output", "bits": rdata}}
    return {"ports": ports, "cells": cells, "netnames": {}}, lines, paths


def _or_tree(cells, bits, leaves, name):
    """ORs of four up to one net: a nested list whose last element is the root net and
    whose first are the subtrees (a leaf: ``[net]``)."""
    level = leaves
    count = 0
    while len(level) > 1:
        following = []
        for i in range(0, len(level), 4):
            group = level[i:i + 4]
            if len(group) == 1:
                following.append(group[0])
                continue
            out = next(bits)
            pins = dict(zip("ABCD", [g[-1] for g in group] + [group[-1][-1]] * 4))
            cells[f"{name}_{count}"] = _cell("or4_1", **{p: pins[p] for p in "ABCD"}, X=out)
            count += 1
            following.append(group + [out])
        level = following
    return level[0]


def _expand(tree):
    """Every leaf's path to the root: lists of nets."""
    if len(tree) == 1:
        return [[tree[0]]]
    return [path + [tree[-1]] for sub in tree[:-1] for path in _expand(sub)]


def placed_lines(placement, lines, paths, factor=wires.ROUTING_FACTOR):
    """Each line's mean placed wire (pF): ``{line: pF}``, the read path the mean over the
    leaves of the wires along it (signal nets at :data:`wires.SIGNAL_LAYER`'s
    capacitance, the clock at :data:`wires.CLOCK_LAYER`'s)."""
    capacitance, _ = wires.placed_wires(placement, factor=factor)
    clock_per_um = wires.LAYER_PF_PER_UM[wires.CLOCK_LAYER] \
        / wires.LAYER_PF_PER_UM[wires.SIGNAL_LAYER]
    mean = {line: sum(capacitance.get(b, 0.0) for b in nets) / len(nets)
            for line, nets in lines.items() if nets}
    mean["clock"] *= clock_per_um
    mean["read path"] = sum(sum(capacitance.get(b, 0.0) for b in path)
                            for path in paths) / len(paths)
    return mean


def check(library, lef, width=16, rows=16, banks=2, utilisation=memory.ROW_UTILISATION,
          cache=None, activity=None):
    """The array placed and priced: ``{"placed", "floorplan"}`` each :func:`memory.
    price_memory`'s figures for one access a cycle, and ``"lines"`` both lines' pF."""
    module, lines, paths = bank_array(width, rows, banks)
    placement = place(module, lef, utilisation=utilisation, cache=cache)
    given = placed_lines(placement, lines, paths)
    activity = activity or {"write": memory.DATA_ACTIVITY, "read": memory.DATA_ACTIVITY}
    depth = rows * banks
    placed = memory.price_memory(library, width, depth, 1.0, 1.0, rows, activity,
                                 lines=given)
    planned = memory.price_memory(library, width, depth, 1.0, 1.0, rows, activity)
    return {"placed": placed, "floorplan": planned, "placement": placement.summary(),
            "lines": {"placed": given, "floorplan": planned["lines_pf"]},
            "cells": len(module["cells"])}
