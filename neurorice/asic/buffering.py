"""Fanout buffering of a mapped netlist: every net but the clock that drives more than
:data:`MAX_FANOUT` cell inputs gets a tree of the library's buffers, at most
:data:`MAX_FANOUT` loads a buffer, so that no driver sees more load than its cell allows.

ABC buffers the logic it maps, but a net that leaves its logic (a flip-flop's enable or
data, the reset) is one output to ABC however many flip-flops it feeds: in the encoder a
minimum buffer drove 4 pF with a 45 ns transition until this pass. The clock net is left
alone: static timing treats it as ideal and :mod:`neurorice.asic.clocktree` prices its tree.
"""

from ..hardware.targets import SKY130_HD

__all__ = ["BUFFER", "MAX_FANOUT", "buffer_fanout"]

#: The loads a net or a buffer of the tree may drive.
MAX_FANOUT = 10
#: The tree's buffer.
BUFFER = SKY130_HD.buffer


def buffer_fanout(module, clock_bits, *, max_fanout=MAX_FANOUT, buffer=BUFFER):
    """Add buffer trees to ``module`` (a Yosys JSON module, changed in place) for every net
    bit outside ``clock_bits`` with more than ``max_fanout`` cell-input loads; the number of
    buffers added."""
    loads = {}
    for name, cell in module["cells"].items():
        directions = cell.get("port_directions", {})
        for port, bits in cell["connections"].items():
            if directions.get(port) != "input":
                continue
            for index, bit in enumerate(bits):
                if isinstance(bit, int):
                    loads.setdefault(bit, []).append((name, port, index))
    next_bit = 1 + max((b for net in module["netnames"].values() for b in net["bits"]
                        if isinstance(b, int)), default=1)
    added = 0
    for bit, sinks in sorted(loads.items()):
        if bit in clock_bits or len(sinks) <= max_fanout:
            continue
        level = sinks
        while len(level) > max_fanout:
            groups = [level[i:i + max_fanout] for i in range(0, len(level), max_fanout)]
            level = []
            for group in groups:
                out = next_bit
                next_bit += 1
                name = f"$fanout${bit}${added}"
                added += 1
                module["cells"][name] = {
                    "hide_name": 1, "type": buffer, "parameters": {}, "attributes": {},
                    "port_directions": {"A": "input", "X": "output"},
                    "connections": {"A": [bit], "X": [out]}}
                module["netnames"][f"$fanout_net${out}"] = {"hide_name": 1, "bits": [out],
                                                           "attributes": {}}
                for cell, port, index in group:
                    connection = module["cells"][cell]["connections"][port]
                    connection[index] = out
                level.append((name, "A", 0))
    return added
