"""Each state memory's data activity, measured in the gate-level runs.

The state memories are not simulated as cells: synthesis leaves each a ``$mem_v2``, and
:func:`neurorice.asic.memory.price_memory` prices it as a latch array from a stated
activity. Where the runs dumped a memory's data nets, :func:`memory_activity` measures
that activity instead (toggles of a write-data and of a read-data bit a cycle), from the
same nets the pricing reads (:class:`neurorice.asic.netlist.Netlist`).
"""

from .netlist import Netlist, toggles_by_bit

__all__ = ["memory_activity"]


def memory_activity(synthesis, library, zero, unit=None, glitch_zero=None):
    """Each memory's data activity in the gate-level runs, by the memory cell's name:
    ``{"write": toggles of a write-data bit a cycle, "read": of a read-data bit}``.

    Every toggle of the write data reaches a bank's write bus and its latches' inputs,
    whether or not a row is written, so the write activity counts the glitches too (the
    unit-delay run's toggles over the zero-delay run's), where they were measured. The
    simulation reads a memory in no time, so the read data toggle once a bit that differs
    from the row read before (zero delay). A memory some of whose data bits the runs did
    not dump is left out."""
    netlist = Netlist(synthesis.netlist_json, synthesis.top, library)
    zero_bits = toggles_by_bit(netlist, zero.toggles)
    unit_bits = toggles_by_bit(netlist, unit.toggles) if unit is not None else {}
    base = glitch_zero if glitch_zero is not None else zero
    base_bits = toggles_by_bit(netlist, base.toggles) if unit is not None else {}

    def rate(bits, counts, run):
        return sum(counts.get(b, 0) for b in bits) / (len(bits) * max(1, run.window))

    activity = {}
    for name, cell in netlist.cells.items():
        if cell["type"] != "$mem_v2":
            continue
        written = [b for b in cell["connections"]["WR_DATA"] if isinstance(b, int)]
        read = [b for b in cell["connections"]["RD_DATA"] if isinstance(b, int)]
        if any(b not in zero_bits for b in written + read):
            continue  # not all dumped: the memory's activity stays the model's assumption
        write = rate(written, zero_bits, zero)
        if unit is not None:
            write += max(0.0, rate(written, unit_bits, unit) - rate(written, base_bits, base))
        activity[name] = {"write": write, "read": rate(read, zero_bits, zero)}
    return activity
