"""Power of a mapped netlist from its gate-level runs, priced with the library's tables.

Every net bit's toggles over the window (:mod:`neurorice.asic.gatesim`) are priced as:

- *switching on pins*: ``toggles x C_pins x V^2 / 2``, ``C_pins`` the library capacitance of
  the cell inputs the net drives (5 fF for a port of the top, as timing assumes);
- *wires*: the same with the library's default wire-load model (``wire_load("Small")`` in
  SKY130: ``fanout_length`` µm x ``capacitance`` pF/µm, extrapolated by ``slope``);
- *internal energy*: each toggle of a cell's output costs the mean of its arcs' ``rise_power``
  (half the toggles) and ``fall_power`` (the other half) at
  :data:`~neurorice.asic.netlist.INPUT_TRANSITION_NS` and the net's load; each toggle of an
  input pin with its own table costs that pin's energy; a flip-flop's clock pin costs its
  ``rise_power + fall_power`` every cycle (*clock pins*);
- *glitches*: the unit-delay run's energy of all toggle-priced terms less the zero-delay
  run's, on the same samples;
- *leakage*: every cell's ``cell_leakage_power`` (the library's state average).

The clock net's own capacitance (the flip-flops' clock pins and their wire) is the *clock
pins* term; the tree that drives it is :mod:`neurorice.asic.clocktree`'s, from the
library's clock buffers. Energies are per window, then per sample: a design's power is its
energy per sample times the samples a second.

The nets and the toggle-priced terms are :mod:`neurorice.asic.netlist`'s; this module
composes them with the glitches, the leakage and the clock tree into the design's figures.
"""

from . import wires
from .clocktree import clock_tree, placed_clock_tree
from .netlist import INPUT_TRANSITION_NS, Netlist, energies

__all__ = ["price"]


def price(synthesis, library, zero, unit, samples_per_second, glitch_zero=None,
          placement=None, by_register=True):
    """Power of ``synthesis`` from its zero-delay run ``zero`` and unit-delay run ``unit``
    (or None: glitches not measured) at ``samples_per_second``; a dict of figures in SI.
    ``unit`` may cover a shorter window than ``zero``: then ``glitch_zero`` is a
    zero-delay run of that same window, and the glitches are ``unit`` less ``glitch_zero``.
    With ``placement`` (:class:`~neurorice.asic.placement.Placement`) every net's wire
    and the clock tree come from the cells' places (:mod:`neurorice.asic.wires`), else
    from the library's wire-load model. With ``by_register`` the figures are split by
    register too (``registers_w``), else that split is empty."""
    wire_pf = lengths = None
    if placement is not None:
        plain = Netlist(synthesis.netlist_json, synthesis.top, library)
        wire_pf, lengths = wires.placed_wires(placement, skip=plain.clock)
    netlist = Netlist(synthesis.netlist_json, synthesis.top, library, wire_pf)
    per_sample, block_sample, toggles = _per_sample(netlist, zero, unit, glitch_zero)
    registers = (_per_sample(netlist, zero, unit, glitch_zero, netlist.registers)[1]
                 if by_register else {})
    samples = max(1, zero.samples_in_window)
    cycles_per_sample = zero.window / samples
    clock_sinks = sum(netlist.fanout.get(b, 0) for b in netlist.clock)
    sink_cap = sum(netlist.pin_cap.get(b, 0.0) for b in netlist.clock)
    tree = (placed_clock_tree(library, netlist, placement) if placement is not None
            else clock_tree(library, clock_sinks, sink_cap))
    per_sample["clock tree"] = tree["energy_per_cycle_j"] * cycles_per_sample
    block_sample["clock"] = block_sample.get("clock", 0.0) + per_sample["clock tree"]
    leakage = sum(library.cells[c["type"]].leakage for c in synthesis.module["cells"].values()
                  if c["type"] in library.cells) * 1e-9 + tree["leakage_w"]
    watts = {k: v * samples_per_second for k, v in per_sample.items()}
    watts["leakage"] = leakage
    by_block = {k: v * samples_per_second for k, v in block_sample.items()}
    for block, w in _leakage_by(netlist, synthesis, netlist.blocks).items():
        by_block[block] = by_block.get(block, 0.0) + w
    by_block["clock"] = by_block.get("clock", 0.0) + tree["leakage_w"]
    if by_register:
        for register, w in _leakage_by(netlist, synthesis, netlist.registers).items():
            registers[register] = registers.get(register, 0.0) + w / samples_per_second
    nets = len(toggles)
    net_toggles = sum(c for b, c in toggles.items() if b not in netlist.clock)
    return {"terms_w": watts, "blocks_w": by_block, "total_w": sum(watts.values()),
            "registers_w": dict(sorted(((k, v * samples_per_second)
                                        for k, v in registers.items()),
                                       key=lambda item: -item[1])),
            "energy_per_sample_j": sum(per_sample.values()) + leakage / samples_per_second,
            "samples_per_second": samples_per_second, "window_cycles": zero.window,
            "window_samples": zero.samples_in_window, "cycles_per_sample": cycles_per_sample,
            "clock_hz": samples_per_second * cycles_per_sample,
            "activity": net_toggles / max(1, (nets - len(netlist.clock)) * zero.window),
            "nets_with_toggles": nets, "net_bits": len(netlist.driver),
            "clock_tree": tree, "input_transition_ns": INPUT_TRANSITION_NS,
            "max_capacitance_violations": len(netlist.capacitance_violations()),
            "wire_load": library.wire_load["name"] if library.wire_load else None,
            "wires": _wire_summary(netlist, lengths),
            "driver_wires": None if wire_pf is None else {
                (netlist.driver[b][0].lstrip("\\"), netlist.driver[b][1]): pf
                for b, pf in wire_pf.items() if b in netlist.driver},
            "glitch_window_cycles": None if unit is None else unit.window,
            "glitch_toggle_ratio": (None if unit is None else
                                    sum(sum(v) for v in unit.toggles.values())
                                    / max(1, sum(sum(v) for v in (glitch_zero or zero)
                                                 .toggles.values())))}


def _wire_summary(netlist, lengths):
    """The nets' wire: ``{"model", "total_pf", "by_fanout": {label: pF}}``, and from a
    placement its length."""
    bands = ((1, 1, "1"), (2, 4, "2-4"), (5, 10, "5-10"), (11, 10**9, ">10"))
    by_fanout = {label: 0.0 for _, _, label in bands}
    total = 0.0
    for bit in netlist.fanout:
        if bit in netlist.clock:
            continue
        wire = netlist.load(bit)[1]
        total += wire
        fanout = netlist.fanout.get(bit, 0)
        for low, high, label in bands:
            if low <= fanout <= high:
                by_fanout[label] += wire
    summary = {"model": "placed" if lengths is not None else "wire-load",
               "total_pf": total, "by_fanout_pf": by_fanout}
    if lengths is not None:
        summary["length_um"] = sum(v for b, v in lengths.items() if b not in netlist.clock)
    return summary


def _per_sample(netlist, zero, unit, glitch_zero, labels=None):
    """Energy a sample (J) by term, and by block or by ``labels``
    (:func:`~neurorice.asic.netlist.energies`), the glitches (``unit`` less ``glitch_zero``,
    or less ``zero``) added as a term and to each label but the clock; and the zero-delay
    run's toggles."""
    terms, by, toggles = energies(netlist, zero, labels)
    samples = max(1, zero.samples_in_window)
    per_term = {k: v / samples for k, v in terms.items()}
    per_label = {k: v / samples for k, v in by.items()}
    if unit is not None:
        unit_terms, unit_by, _ = energies(netlist, unit, labels)
        unit_samples = max(1, unit.samples_in_window)
        base_terms, base_by, base_samples = terms, by, samples
        if glitch_zero is not None:
            base_terms, base_by, _ = energies(netlist, glitch_zero, labels)
            base_samples = max(1, glitch_zero.samples_in_window)
        per_term["glitches"] = \
            sum(v for k, v in unit_terms.items() if k != "clock pins") / unit_samples \
            - sum(v for k, v in base_terms.items() if k != "clock pins") / base_samples
        for label, joules in unit_by.items():
            if label != "clock":
                extra = joules / unit_samples - base_by.get(label, 0.0) / base_samples
                per_label[label] = per_label.get(label, 0.0) + extra
    return per_term, per_label, toggles


def _leakage_by(netlist, synthesis, labels):
    """The cells' leakage (W) by their ``labels`` (blocks or registers)."""
    library, leak = netlist.library, {}
    for cell_name, cell in synthesis.module["cells"].items():
        if cell["type"] in library.cells:
            label = labels[cell_name]
            leak[label] = leak.get(label, 0.0) + library.cells[cell["type"]].leakage * 1e-9
    return leak
