"""Wire capacitance of every net from a placement (:mod:`neurorice.asic.placement`).

A net's wire is estimated as the rectilinear minimum spanning tree of its pins (Prim's
tree on Manhattan distances: the half perimeter of the pins' box for two pins, at most 1.5
times the shortest Steiner tree for more, which a router's tree approaches), times
:data:`ROUTING_FACTOR` for a router's detours, its horizontal and vertical runs priced by
the layer capacitance below. The clock's root net is not priced here: its tree is
:func:`clock_tree`'s, built on the sinks' places.

Layer capacitance (pF/µm, wire of minimum width among its neighbours, coupling included):
OpenROAD-flow-scripts' ``platforms/sky130hd/setRC.tcl``, correlated to extracted
parasitics on seven designs; its flow estimates a signal wire on ``met1`` and a clock
wire on ``met3``, and so does this. SKY130's technology LEF (area and fringe to ground
only, no neighbours) gives less: met1 0.14 µm x 25.8e-6 + 2 x 40.6e-6 = 8.5e-5 pF/µm.
"""

import math

__all__ = ["LAYER_PF_PER_UM", "ROUTING_FACTOR", "SIGNAL_LAYER", "CLOCK_LAYER",
           "clock_tree", "net_length", "placed_wires", "spanning_length"]

LAYER_PF_PER_UM = {"li1": 1.499e-4, "met1": 1.72375e-4, "met2": 1.36233e-4,
                   "met3": 2.14962e-4, "met4": 1.48128e-4, "met5": 1.54087e-4}
SIGNAL_LAYER = "met1"
CLOCK_LAYER = "met3"
#: A routed net's length over its spanning tree (detours around blockages and other nets).
#: Measured with qrouter (:mod:`neurorice.asic.routing`) on the one-channel compact
#: encoder's placement: the 419 nets it routed of the 455 lying inside an 80 µm window at
#: the die's centre came to 0.97 times their spanning trees (62 of 72 in a 40 µm window:
#: 0.94); the tree is kept, unscaled. docs/ASIC.md says what this leaves out.
ROUTING_FACTOR = 1.0
#: Nets of more pins than this take the spanning tree of a sample of their pins, scaled
#: (Prim's tree is quadratic in the pins).
MAX_EXACT_PINS = 400


def spanning_length(points):
    """Length (µm) of the rectilinear minimum spanning tree of ``points`` ``[(x, y)]``."""
    n = len(points)
    if n < 2:
        return 0.0
    if n == 2:
        (x0, y0), (x1, y1) = points
        return abs(x0 - x1) + abs(y0 - y1)
    inside = [False] * n
    best = [math.inf] * n
    best[0] = 0.0
    total = 0.0
    for _ in range(n):
        k = min((i for i in range(n) if not inside[i]), key=best.__getitem__)
        inside[k] = True
        total += best[k]
        xk, yk = points[k]
        for i in range(n):
            if not inside[i]:
                d = abs(points[i][0] - xk) + abs(points[i][1] - yk)
                if d < best[i]:
                    best[i] = d
    return total


def net_length(points):
    """A net's estimated routed length (µm) before the routing factor."""
    if len(points) > MAX_EXACT_PINS:
        # the tree's length grows as the square root of its points over a fixed box
        step = math.ceil(len(points) / MAX_EXACT_PINS)
        sample = points[::step]
        return spanning_length(sample) * math.sqrt(len(points) / len(sample))
    return spanning_length(points)


def placed_wires(placement, skip=(), factor=ROUTING_FACTOR, layer=SIGNAL_LAYER):
    """``{net bit: wire capacitance pF}`` for every placed net but those in ``skip``, and
    ``{net bit: length µm}``."""
    per_um = LAYER_PF_PER_UM[layer]
    capacitance, lengths = {}, {}
    for bit, pins in placement.pins.items():
        if bit in skip:
            continue
        length = net_length([(x, y) for x, y, _ in pins]) * factor
        lengths[bit] = length
        capacitance[bit] = length * per_um
    return capacitance, lengths


def _groups(sinks, fanout):
    """``sinks`` ``[(x, y, pF)]`` split by halves along the longer side of their box until
    each group has at most ``fanout``."""
    if len(sinks) <= fanout:
        return [sinks]
    xs = [s[0] for s in sinks]
    ys = [s[1] for s in sinks]
    axis = 0 if max(xs) - min(xs) >= max(ys) - min(ys) else 1
    ordered = sorted(sinks, key=lambda s: s[axis])
    # halves whose sizes are multiples of the fanout, so the groups come out full
    groups = math.ceil(len(sinks) / fanout)
    cut = math.ceil(groups / 2) * fanout
    return _groups(ordered[:cut], fanout) + _groups(ordered[cut:], fanout)


def clock_tree(library, sinks, buffer, fanout, root, factor=ROUTING_FACTOR,
               layer=CLOCK_LAYER):
    """A clock tree built on placed ``sinks`` ``[(x, y, pin pF)]``: groups of at most
    ``fanout`` sinks (halving the longer side), each driven by a ``buffer`` at its
    centre, the buffers grouped the same way, up to one that ``root`` (the clock's
    input, ``(x, y)``) drives. ``{"buffers", "levels", "nets", "wire_um"}``, ``nets`` a
    list of ``(wire pF, pins pF, leaf, driven by a buffer)``: a net's pins are the sinks'
    (``leaf``) or the next level's buffer inputs; the root's net is driven from outside."""
    per_um = LAYER_PF_PER_UM[layer]
    pin = library.cells[buffer].pins["A"].capacitance
    level, nets, buffers, levels, length = list(sinks), [], 0, 0, 0.0
    while True:
        groups = _groups(level, fanout) if len(level) > 1 or not levels else [level]
        if len(groups) == 1 and levels:
            # the root drives the last level's buffer(s)
            wire = net_length([root] + [(x, y) for x, y, _ in level]) * factor
            nets.append((wire * per_um, sum(c for _, _, c in level), False, False))
            length += wire
            break
        following = []
        for group in groups:
            cx = sum(x for x, _, _ in group) / len(group)
            cy = sum(y for _, y, _ in group) / len(group)
            wire = net_length([(cx, cy)] + [(x, y) for x, y, _ in group]) * factor
            nets.append((wire * per_um, sum(c for _, _, c in group), not levels, True))
            length += wire
            following.append((cx, cy, pin))
        buffers += len(groups)
        levels += 1
        level = following
        if len(level) == 1:
            wire = abs(root[0] - level[0][0]) + abs(root[1] - level[0][1])
            nets.append((wire * factor * per_um, pin, False, False))
            length += wire * factor
            break
    return {"buffers": buffers, "levels": levels, "nets": nets, "wire_um": length}
