"""The state memories as gate-level latch arrays: each ``$mem_v2`` of a mapped netlist
replaced by the banked latch array that :mod:`neurorice.asic.memory` prices, cell for
cell, so that the gate-level runs simulate it with the rest and price it from its own
toggles.

The array (:func:`latch_array`) is :func:`neurorice.asic.latcharray.bank_array`'s, with
working decoders:

- a bit: a latch (:data:`memory.LATCH`) on its bank's write bus, and an AND gate
  (:data:`memory.READ_GATE`) that puts it on its column's OR tree (:data:`memory.OR_GATE`)
  when its row is read; a column's banks' trees join in a second OR tree, whose root is the
  memory's read data (an asynchronous read, as a latch array reads);
- a row: a clock gate (:data:`memory.CLOCK_GATE`) on its bank's gated clock, opened by
  the row's write decoder, and a read decoder (:data:`memory.DECODER` each, of the address
  bits or of pairs of them predecoded, and with several banks the bank's read line);
- a bank: a clock gate on the inverted clock, opened by the bank's write select (the
  write enable and the bank's address), and a driver a bit (:data:`memory.DRIVER`) from the
  write data onto the bank's bus, opened by the same select.

A write is on the clock's low phase: the bank's and the row's gates take their enables
while the clock is high (the write port's enable, address and data come from flip-flops a
clock before and have settled by the falling edge), open the row's latches when it falls
and close them as it rises, before the flip-flops that feed them change (their model's
``UNIT_DELAY``, 1 ns, against the gates' few cell delays). So a row holds its new word from
the falling edge before the clock edge at which the memory's write port writes it; the
encoder never reads a row in the clock it is written (:mod:`gateware.compact_front`), and
the gate-level runs check the words against the golden model. A registered read port must
have had its register taken out (Yosys ``memory_nordff``): it stays the design's flip-flops.

The decoders drive their rows and the bank drivers their buses unbuffered, as the model
prices them; :func:`replace_memories` gives the array's nets for the flow to leave out of
its fanout buffering.
"""

import math

from . import memory
from .netlist import Netlist, cells_energy, toggles_by_bit
from ..hardware.targets import SKY130_HD

__all__ = ["PREFIX", "latch_array", "replace_memories", "simulated"]

#: The arrays' nets are named ``latches.<memory>.<net>`` (:mod:`neurorice.asic.netlist`'s
#: block "state memory").
PREFIX = "latches."
INVERTER = SKY130_HD.cell("inv_1")
CLOCK_INVERTER = SKY130_HD.cell("clkinv_1")
PREDECODER = SKY130_HD.cell("and2_1")


def _param(cell, name):
    return int(cell["parameters"][name], 2)


class _Builder:
    """Adds cells and named nets to a Yosys JSON module."""

    def __init__(self, module, library, prefix):
        self.module, self.library, self.prefix = module, library, prefix
        used = [b for net in module["netnames"].values() for b in net["bits"]
                if isinstance(b, int)]
        used += [b for c in module["cells"].values() for bits in c["connections"].values()
                 for b in bits if isinstance(b, int)]
        self.next_bit = 1 + max(used, default=1)
        self.cells, self.nets = [], []

    def net(self, name):
        bit = self.next_bit
        self.next_bit += 1
        self.module["netnames"][f"{self.prefix}{name}"] = {"hide_name": 0, "bits": [bit],
                                                          "attributes": {}}
        self.nets.append(bit)
        return bit

    def cell(self, kind, name, output=None, **pins):
        """A ``kind`` cell named ``name``; its output pin (the one pin not given, or named
        by ``output`` as ``(pin, bit)``) drives a new net ``name`` (the cell's is ``name_i``:
        a cell and a net may not share a name)."""
        lib = self.library.cells[kind]
        out_pin = next(p for p, pin in lib.pins.items() if pin.direction == "output")
        bit = output if output is not None else self.net(name)
        connections = {p: [b] for p, b in pins.items()}
        connections[out_pin] = [bit]
        self.module["cells"][f"{self.prefix}{name}_i"] = {
            "hide_name": 0, "type": kind, "parameters": {}, "attributes": {},
            "port_directions": {p: lib.pins[p].direction for p in connections},
            "connections": connections}
        self.cells.append(f"{self.prefix}{name}_i")
        return bit


def _groups(builder, bits, slots, name):
    """The address ``bits`` as at most ``slots`` groups of lines (a group's line ``v`` is
    high when its bits are ``v``): single bits and their inverses, or pairs predecoded."""
    pairs = 0
    while len(bits) - pairs > slots:
        pairs += 1
    if pairs > len(bits) // 2:
        raise ValueError(f"{len(bits)} address bits do not decode in {slots} inputs")
    inverse = {b: builder.cell(INVERTER, f"{name}_n{i}", A=b) for i, b in enumerate(bits)}
    groups, i = [], 0
    for g in range(len(bits) - pairs):
        if g < pairs:
            low, high = bits[i], bits[i + 1]
            groups.append((2, [builder.cell(PREDECODER, f"{name}_p{g}_{v}",
                                            A=low if v & 1 else inverse[low],
                                            B=high if v & 2 else inverse[high])
                               for v in range(4)]))
            i += 2
        else:
            groups.append((1, [inverse[bits[i]], bits[i]]))
            i += 1
    return groups


def _decode(builder, groups, value, extra, name, output=None):
    """An AND4 (:data:`memory.DECODER`) of the groups' lines for ``value`` and ``extra``
    lines, its unused inputs the last line again."""
    inputs, shift = [], 0
    for size, lines in groups:
        inputs.append(lines[value >> shift & (1 << size) - 1])
        shift += size
    inputs += extra
    inputs += [inputs[-1]] * (4 - len(inputs))
    return builder.cell(memory.DECODER, name, output, **dict(zip("ABCD", inputs)))


def _or_tree(builder, leaves, root, name):
    """ORs of four (:data:`memory.OR_GATE`) up to one net, ``root`` if given."""
    level, count = leaves, 0
    if len(level) == 1 and root is not None:
        builder.cell(SKY130_HD.buffer, f"{name}_buf", root, A=level[0])
        return root
    while len(level) > 1:
        following = []
        last = len(level) <= 4
        for i in range(0, len(level), 4):
            group = level[i:i + 4]
            if len(group) == 1:
                following.append(group[0])
                continue
            group += [group[-1]] * (4 - len(group))
            following.append(builder.cell(memory.OR_GATE, f"{name}_{count}",
                                          root if last else None,
                                          **dict(zip("ABCD", group))))
            count += 1
        level = following
    return level[0]


def latch_array(builder, width, depth, clock, write_enable, write_address, write_data,
                read_ports, rows_per_bank=memory.ROWS_PER_BANK):
    """Add a ``width`` x ``depth`` latch array to ``builder``'s module: written on
    ``clock``'s low phase where ``write_enable``, read through each of ``read_ports``
    (``[(address bits, data bits)]``, the data nets the trees' roots drive)."""
    if rows_per_bank < 2 or rows_per_bank & rows_per_bank - 1:
        raise ValueError(f"rows a bank must be a power of two, not {rows_per_bank!r}")
    address = max(1, math.ceil(math.log2(depth)))
    rows = min(1 << address, rows_per_bank)
    row_bits = int(math.log2(rows))
    banks = math.ceil(depth / rows)
    inverted = builder.cell(CLOCK_INVERTER, "clock_n", A=clock)
    row_groups = _groups(builder, write_address[:row_bits], 4, "waddr")
    if banks > 1:
        bank_groups = _groups(builder, write_address[row_bits:address], 3, "wbank")
    buses, bank_clocks = [], []
    for b in range(banks):
        select = (_decode(builder, bank_groups, b, [write_enable], f"wsel{b}")
                  if banks > 1 else write_enable)
        bank_clocks.append(builder.cell(memory.CLOCK_GATE, f"bgate{b}", CLK=inverted,
                                        GATE=select))
        buses.append([builder.cell(memory.DRIVER, f"drv{b}_{k}", A=write_data[k], B=select)
                      for k in range(width)])
    latches = []
    for row in range(depth):
        b, r = divmod(row, rows)
        enable = _decode(builder, row_groups, r, [], f"wdec{row}")
        gclk = builder.cell(memory.CLOCK_GATE, f"rgate{row}", CLK=bank_clocks[b], GATE=enable)
        latches.append([builder.cell(memory.LATCH, f"q{row}_{k}", D=buses[b][k], GATE=gclk)
                        for k in range(width)])
    for p, (read_address, read_data) in enumerate(read_ports):
        slots = 3 if banks > 1 else 4
        groups = _groups(builder, read_address[:row_bits], slots, f"r{p}addr")
        bank_lines = []
        if banks > 1:
            bank_read = _groups(builder, read_address[row_bits:address], 4, f"r{p}bank")
            bank_lines = [_decode(builder, bank_read, b, [], f"r{p}bsel{b}")
                          for b in range(banks)]
        enables = [_decode(builder, groups, row % rows, [bank_lines[row // rows]]
                           if banks > 1 else [], f"r{p}dec{row}") for row in range(depth)]
        for k in range(width):
            roots = []
            for b in range(banks):
                leaves = [builder.cell(memory.READ_GATE, f"r{p}and{row}_{k}",
                                       A=enables[row], B=latches[row][k])
                          for row in range(b * rows, min(depth, (b + 1) * rows))]
                roots.append(_or_tree(builder, leaves, read_data[k] if banks == 1 else None,
                                      f"r{p}or{b}_{k}"))
            if banks > 1:
                _or_tree(builder, roots, read_data[k], f"r{p}orb_{k}")
    return {"width": width, "depth": depth, "banks": banks, "rows_per_bank": rows,
            "inverted_clock": inverted}


def replace_memories(module, library, rows_per_bank=memory.ROWS_PER_BANK):
    """Replace every ``$mem_v2`` of ``module`` (a mapped Yosys JSON module, changed in
    place) by a latch array of library cells; a dict a memory: ``{"name", "width",
    "depth", "banks", "rows_per_bank", "cells": [cell names], "nets": [net bits],
    "clock": [inverted clock bit]}``."""
    replaced = []
    for name, cell in list(module["cells"].items()):
        if cell["type"] != "$mem_v2":
            continue
        width, depth = _param(cell, "WIDTH"), _param(cell, "SIZE")
        abits, ports = _param(cell, "ABITS"), _param(cell, "RD_PORTS")
        c = cell["connections"]
        if _param(cell, "WR_PORTS") != 1 or _param(cell, "OFFSET") != 0:
            raise ValueError(f"memory {name}: a latch array of one write port, not "
                             f"{_param(cell, 'WR_PORTS')}")
        if ports and _param(cell, "RD_CLK_ENABLE"):
            raise ValueError(f"memory {name}: its read port is registered (memory_nordff "
                             "takes the register out)")
        if not _param(cell, "WR_CLK_ENABLE") or not _param(cell, "WR_CLK_POLARITY"):
            raise ValueError(f"memory {name}: a latch array's write is on the clock's rise")
        enables = set(c["WR_EN"])
        if len(enables) != 1:
            raise ValueError(f"memory {name}: a latch array writes whole rows, not "
                             f"{len(enables)} write enables")
        del module["cells"][name]
        builder = _Builder(module, library, f"{PREFIX}{name}.")
        read_ports = [(c["RD_ADDR"][p * abits:(p + 1) * abits],
                       c["RD_DATA"][p * width:(p + 1) * width]) for p in range(ports)]
        array = latch_array(builder, width, depth, c["WR_CLK"][0], c["WR_EN"][0],
                            c["WR_ADDR"], c["WR_DATA"], read_ports, rows_per_bank)
        module["netnames"][f"{PREFIX}{name}.wdata"] = {"hide_name": 0, "attributes": {},
                                                       "bits": list(c["WR_DATA"])}
        for p, (_, data) in enumerate(read_ports):
            module["netnames"][f"{PREFIX}{name}.rdata{p}"] = {
                "hide_name": 0, "attributes": {}, "bits": list(data)}
        replaced.append({"name": name, "width": width, "depth": depth,
                         "banks": array["banks"], "rows_per_bank": array["rows_per_bank"],
                         "cells": builder.cells, "nets": builder.nets,
                         "clock": [array["inverted_clock"]]})
    return replaced


def simulated(synthesis, library, zero, unit, glitch_zero, samples_per_second):
    """Each latch array of ``synthesis`` priced from the gate-level runs' toggles (zero
    delay, and the unit-delay run's glitches over it): its cells, the nets they drive and
    its inputs' pins, and apart, the flip-flops its read data go into (a registered read
    port's register, :func:`memory.price_memory`'s ``registered_read``); with its data
    activity on its ports as :func:`neurorice.asic.memory_activity.memory_activity`
    measures a memory's. A list of dicts in SI, a memory each."""
    netlist = Netlist(synthesis.netlist_json, synthesis.top, library)
    zero_bits = toggles_by_bit(netlist, zero.toggles)
    base = glitch_zero if glitch_zero is not None else zero

    def watts(names):
        energy = cells_energy(netlist, zero, names) / max(1, zero.samples_in_window)
        glitch = 0.0
        if unit is not None:
            glitch = (cells_energy(netlist, unit, names) / max(1, unit.samples_in_window)
                      - cells_energy(netlist, base, names) / max(1, base.samples_in_window))
        leakage = sum(library.cells[netlist.cells[n]["type"]].leakage for n in names) * 1e-9
        return {"dynamic_w": energy * samples_per_second,
                "glitches_w": glitch * samples_per_second, "leakage_w": leakage,
                "total_w": (energy + glitch) * samples_per_second + leakage}

    def rate(bits, run, counts):
        return sum(counts.get(b, 0) for b in bits) / (len(bits) * max(1, run.window))

    found = []
    for array in synthesis.latch_arrays:
        prefix = f"{PREFIX}{array['name']}."
        cells = [n for n in netlist.cells if n.lstrip("\\").startswith(prefix)]
        written = netlist.names[f"{prefix}wdata"]
        read = netlist.names[f"{prefix}rdata0"]
        read_set = set(read)
        register = [n for n, c in netlist.cells.items()
                    if library.cells.get(c["type"]) is not None
                    and library.cells[c["type"]].sequential and n not in cells
                    and any(b in read_set for b in c["connections"].get("D", []))]
        write = rate(written, zero, zero_bits)
        if unit is not None:
            write += max(0.0, rate(written, unit, toggles_by_bit(netlist, unit.toggles))
                         - rate(written, base, toggles_by_bit(netlist, base.toggles)))
        found.append(array | {
            "array": watts(cells), "read_register": watts(register) if register else None,
            "read_register_flops": len(register),
            "registered_read": len(register) == array["width"],
            "activity": {"write": write, "read": rate(read, zero, zero_bits)}})
    return found
