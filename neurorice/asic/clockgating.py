"""Clock gating with the library's integrated clock gates, before the flip-flops are mapped.

Every enabled flip-flop of Yosys's fine-grained netlist (``$_DFFE_PP_``, and with an
asynchronous reset or set ``$_DFFE_PN0P_``, ``$_DFFE_PN1P_``) becomes the same flip-flop
without an enable (``$_DFF_P_``, ``$_DFF_PN0_``, ``$_DFF_PN1_``) on a gated clock: the
flip-flops that share an enable share an integrated clock gate (``dlclkp``: a latch and an
AND, glitch-free), at most :data:`GROUP` a gate. Without it a flip-flop with an enable is
clocked every cycle whether it loads or not (the library's ``edfxtp``, or a flip-flop and a
hold multiplexer); gated, its clock pin costs energy only in the cycles it loads, and the
gate's clock pin costs every cycle instead, so an enable of fewer than :data:`MIN_GROUP`
flip-flops is left alone.

The bits are the same: the gated flip-flop loads exactly when the enabled one did (its
enable, held by the gate's latch while the clock is high, is the one the multiplexer saw
at the edge); the gate-level runs check it against the golden model.
"""

from ..hardware.targets import SKY130_HD

__all__ = ["GATE", "GROUP", "MIN_GROUP", "gate_clocks"]

#: Enabled flip-flops (positive clock, active-high enable) and what they become.
PLAIN = {"$_DFFE_PP_": "$_DFF_P_", "$_DFFE_PN0P_": "$_DFF_PN0_", "$_DFFE_PN1P_": "$_DFF_PN1_"}
GATE = SKY130_HD.clock_gate
#: Flip-flops a clock gate drives at most, and the fewest worth a gate.
GROUP = 16
MIN_GROUP = 2


def gate_clocks(module, clock_bit, *, group=GROUP, min_group=MIN_GROUP):
    """Gate the clocks of ``module``'s enabled flip-flops (a Yosys JSON module of
    fine-grained cells, changed in place); the number of clock gates added."""
    by_enable = {}
    for name, cell in module["cells"].items():
        if cell["type"] in PLAIN and cell["connections"]["C"] == [clock_bit]:
            by_enable.setdefault(str(cell["connections"]["E"][0]), []).append(name)
    next_bit = 1 + max((b for net in module["netnames"].values() for b in net["bits"]
                        if isinstance(b, int)), default=1)
    gates = 0
    for enable, flops in sorted(by_enable.items()):
        if len(flops) < min_group or not enable.isdigit():
            continue
        for start in range(0, len(flops), group):
            gclk = next_bit
            next_bit += 1
            module["cells"][f"$clockgate${gates}"] = {
                "hide_name": 1, "type": GATE, "parameters": {}, "attributes": {},
                "port_directions": {"CLK": "input", "GATE": "input", "GCLK": "output"},
                "connections": {"CLK": [clock_bit], "GATE": [int(enable)], "GCLK": [gclk]}}
            module["netnames"][f"$gclk${gates}"] = {"hide_name": 1, "bits": [gclk],
                                                    "attributes": {}}
            gates += 1
            for name in flops[start:start + group]:
                cell = module["cells"][name]
                cell["type"] = PLAIN[cell["type"]]
                connections = cell["connections"]
                del connections["E"]
                connections["C"] = [gclk]
                cell.get("port_directions", {}).pop("E", None)
    return gates
