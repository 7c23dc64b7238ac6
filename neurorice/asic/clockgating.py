"""Clock gating of a mapped netlist with the library's integrated clock gates.

Every enabled flip-flop (``edfxtp``: a flip-flop with its own hold multiplexer, clocked
every cycle whether it loads or not) becomes a plain flip-flop (``dfxtp``) on a gated clock:
the flip-flops that share an enable share an integrated clock gate (``dlclkp``, a latch and
an AND: glitch-free), at most :data:`GROUP` a gate. A flip-flop then costs its clock pin's
energy only in the cycles it loads, and the gate's clock pin instead costs every cycle, so
an enable shared by a few flip-flops is left alone (fewer than :data:`MIN_GROUP`).

The bits are the same: the gated flip-flop loads exactly when the enabled one did (its
enable, sampled by the gate's latch while the clock is low, is the one the hold multiplexer
saw at the edge); the gate-level runs check it against the golden model.
"""

__all__ = ["GATE", "GROUP", "MIN_GROUP", "gate_clocks"]

ENABLED = "sky130_fd_sc_hd__edfxtp_1"
PLAIN = "sky130_fd_sc_hd__dfxtp_1"
GATE = "sky130_fd_sc_hd__dlclkp_1"
#: Flip-flops a clock gate drives at most, and the fewest worth a gate.
GROUP = 16
MIN_GROUP = 2


def gate_clocks(module, clock_bit, *, group=GROUP, min_group=MIN_GROUP):
    """Gate the clocks of ``module``'s enabled flip-flops (a Yosys JSON module, changed in
    place); the number of clock gates added."""
    by_enable = {}
    for name, cell in module["cells"].items():
        if cell["type"] == ENABLED and cell["connections"]["CLK"] == [clock_bit]:
            by_enable.setdefault(cell["connections"]["DE"][0], []).append(name)
    next_bit = 1 + max((b for net in module["netnames"].values() for b in net["bits"]
                        if isinstance(b, int)), default=1)
    gates = 0
    for enable, flops in sorted(by_enable.items(), key=lambda item: str(item[0])):
        if len(flops) < min_group or not isinstance(enable, int):
            continue
        for start in range(0, len(flops), group):
            gclk = next_bit
            next_bit += 1
            module["cells"][f"$clockgate${gates}"] = {
                "hide_name": 1, "type": GATE, "parameters": {}, "attributes": {},
                "port_directions": {"CLK": "input", "GATE": "input", "GCLK": "output"},
                "connections": {"CLK": [clock_bit], "GATE": [enable], "GCLK": [gclk]}}
            module["netnames"][f"$gclk${gates}"] = {"hide_name": 1, "bits": [gclk],
                                                    "attributes": {}}
            gates += 1
            for name in flops[start:start + group]:
                cell = module["cells"][name]
                connections = cell["connections"]
                cell["type"] = PLAIN
                cell["connections"] = {"CLK": [gclk], "D": connections["D"],
                                       "Q": connections["Q"]}
                cell["port_directions"] = {"CLK": "input", "D": "input", "Q": "output"}
    return gates
