"""Power of a mapped netlist from its gate-level runs, priced with the library's tables.

Every net bit's toggles over the window (:mod:`neurorice.asic.gatesim`) are priced as:

- *switching on pins*: ``toggles x C_pins x V^2 / 2``, ``C_pins`` the library capacitance of
  the cell inputs the net drives (5 fF for a port of the top, as timing assumes);
- *wires*: the same with the library's default wire-load model (``wire_load("Small")`` in
  SKY130: ``fanout_length`` µm x ``capacitance`` pF/µm, extrapolated by ``slope``);
- *internal energy*: each toggle of a cell's output costs the mean of its arcs' ``rise_power``
  (half the toggles) and ``fall_power`` (the other half) at :data:`INPUT_TRANSITION_NS` and the
  net's load; each toggle of an input pin with its own table costs that pin's energy; a
  flip-flop's clock pin costs its ``rise_power + fall_power`` every cycle (*clock pins*);
- *glitches*: the unit-delay run's energy of all toggle-priced terms less the zero-delay
  run's, on the same samples;
- *leakage*: every cell's ``cell_leakage_power`` (the library's state average).

The clock net's own capacitance (the flip-flops' clock pins and their wire) is the *clock
pins* term; the tree that drives it is :func:`clock_tree`'s, from the library's clock
buffers. Energies are per window, then per sample: a design's power is its energy per
sample times the samples a second.
"""

import json
import math

from neurorice.hardware.tools import top_module

from .cells import SKY130_HD

__all__ = ["CLOCK_BUFFER", "CLOCK_FANOUT", "INPUT_TRANSITION_NS", "OUTPUT_LOAD_PF",
           "block_of", "clock_tree", "memory_activity", "price"]

#: The input transition every internal-energy table is read at (ns): the middle of the
#: transitions OpenSTA reports on the encoder's nets (0.05 to 0.35 ns).
INPUT_TRANSITION_NS = 0.1
#: A port of the top drives or loads this much (pF), as :mod:`neurorice.asic.sta` assumes.
OUTPUT_LOAD_PF = 0.005
#: The clock tree: this buffer, each driving at most this many sinks or buffers.
CLOCK_BUFFER = SKY130_HD.clock_buffer
CLOCK_FANOUT = 10

#: Blocks by the prefix of the flip-flops' names in the netlist.
BLOCKS = (("encoder.predictor", "predictor"), ("encoder.rice", "Rice coder"),
          ("encoder.packer", "packer"), ("encoder.residuals", "skid buffers"),
          ("encoder.codewords", "skid buffers"), ("encoder.pairs", "skid buffers"),
          # the arithmetic back end (gateware.arith, .rangecoder, .bytepacker)
          ("encoder.model", "CDF model"), ("encoder.coder", "range coder"),
          ("encoder.items", "packer"), ("encoder.spell", "packer"),
          # the compact encoder (gateware.compact): its codeword register takes the
          # prediction, residual and codeword; its state, the state's update
          ("encoder.coded", "Rice coder"), ("encoder.state", "predictor"),
          ("encoder.count", "Rice coder"), ("encoder.partial", "packer"),
          ("encoder.fill", "packer"), ("encoder.spill", "packer"),
          # and the prediction it holds at the falling edge, with the sample
          ("encoder.prediction", "predictor"), ("encoder.sample", "predictor"),
          # the state's flip-flops named after the weighted sum's inputs, the held sample
          # after the successor's last sample, and the word on the output
          ("encoder.weighted_sum", "predictor"), ("encoder.weights", "predictor"),
          ("encoder.successor", "predictor"),
          ("encoder.o__", "packer"), ("o__", "packer"),
          # and with more channels, its state rows (a memory): the logic that writes them,
          # and the row on its way there; the row read ahead is the memory's read port
          ("encoder.rows", "predictor"), ("encoder.written", "predictor"),
          ("encoder.fetched", "state memory"))


def block_of(name):
    for prefix, block in BLOCKS:
        if name.lstrip("\\").startswith(prefix):
            return block
    return None


def _mean_energy(tables, load):
    """Mean of the tables' energies (pJ) at the nominal transition and ``load`` (pF)."""
    values = [t.lookup(INPUT_TRANSITION_NS, load) for t in tables if t is not None]
    return sum(values) / len(values) if values else 0.0


class Netlist:
    """The nets of a mapped netlist: each bit's driver, loads, capacitances and block."""

    def __init__(self, netlist_json, top, library, wires=None):
        module = top_module(json.loads(netlist_json), top)
        self.wires = wires  # {bit: pF} from a placement, else the wire-load model
        self.library = library
        self.cells = module["cells"]
        self.names = {}  # net name (no backslash) -> bits
        for name, net in module["netnames"].items():
            self.names[name.lstrip("\\")] = net["bits"]
        self.pin_cap, self.fanout, self.driver = {}, {}, {}
        self.inputs_of = {}  # cell -> [(pin, bit)]
        self.memory_read = {}  # a memory's read data bit -> the memory
        for cell_name, cell in self.cells.items():
            lib = library.cells.get(cell["type"])
            for port, bits in cell["connections"].items():
                for bit in bits:
                    if not isinstance(bit, int):
                        continue
                    if lib is None:  # a memory: its read data drives, the rest loads nothing
                        if port == "RD_DATA":
                            self.memory_read[bit] = cell_name
                        else:
                            self.inputs_of.setdefault(cell_name, []).append((port, bit))
                        continue
                    pin = lib.pins[port]
                    if pin.direction == "output":
                        self.driver[bit] = (cell_name, port)
                    else:
                        self.pin_cap[bit] = self.pin_cap.get(bit, 0.0) + pin.capacitance
                        self.fanout[bit] = self.fanout.get(bit, 0) + 1
                        self.inputs_of.setdefault(cell_name, []).append((port, bit))
        for _name, port in module["ports"].items():
            if port["direction"] == "output":
                for bit in port["bits"]:
                    if isinstance(bit, int):
                        self.pin_cap[bit] = self.pin_cap.get(bit, 0.0) + OUTPUT_LOAD_PF
                        self.fanout[bit] = self.fanout.get(bit, 0) + 1
        self.clock = set(self.names.get("clk", []))
        # gated clocks: the outputs of integrated clock gates
        self.gated = {bit for cell in self.cells.values()
                      if cell["type"] in library.cells and library.cells[cell["type"]].clock_gate
                      for port, bits in cell["connections"].items()
                      if library.cells[cell["type"]].pins[port].direction == "output"
                      for bit in bits}
        self.blocks = self._blocks()

    def capacitance_violations(self):
        """Nets whose load (pins and wire) exceeds their driver pin's ``max_capacitance``:
        ``[(net bit, load pF, limit pF)]`` (this OpenSTA checks transitions, not this)."""
        found = []
        for bit, (cell_name, port) in self.driver.items():
            pin = self.library.cells[self.cells[cell_name]["type"]].pins[port]
            load = sum(self.load(bit))
            if pin.max_capacitance is not None and load > pin.max_capacitance:
                found.append((bit, load, pin.max_capacitance))
        return found

    def load(self, bit):
        """Pins and wire (pF) on ``bit``."""
        if self.wires is not None:
            return self.pin_cap.get(bit, 0.0), self.wires.get(bit, 0.0)
        return self.pin_cap.get(bit, 0.0), self.library.wire_capacitance(self.fanout.get(bit, 0))

    def _blocks(self):
        """Each cell's block: a flip-flop's from its output's name, logic from the
        flip-flops it feeds (backwards from their inputs, the first block to reach it); a
        memory is the state memory, and the logic that feeds it has the block of its name."""
        named = {}
        for name, bits in self.names.items():
            block = block_of(name)
            if block:
                for bit in bits:
                    if isinstance(bit, int):
                        named[bit] = block
        blocks, frontier, feeds = {}, [], {}
        for cell_name, cell in self.cells.items():
            lib = self.library.cells.get(cell["type"])
            if lib is None:
                blocks[cell_name] = "state memory"
                feeds[cell_name] = block_of(cell_name) or "state memory"
                frontier.append(cell_name)
                continue
            if lib.sequential:
                outs = [b for p, bits in cell["connections"].items() if lib.pins[p].direction
                        == "output" for b in bits]
                block = next((named[b] for b in outs if b in named), "other")
                blocks[cell_name] = block
                frontier.append(cell_name)
        while frontier:
            following = []
            for cell_name in frontier:
                for _, bit in self.inputs_of.get(cell_name, ()):
                    driver = self.driver.get(bit)
                    if driver and driver[0] not in blocks:
                        blocks[driver[0]] = feeds.get(cell_name, blocks[cell_name])
                        following.append(driver[0])
            frontier = following
        for cell_name in self.cells:
            blocks.setdefault(cell_name, "other")
        return blocks


def _arcs(cell, pin):
    """The internal-energy arcs of output ``pin`` that a toggle goes through: a sequential
    cell's output changes on its clock (an asynchronous reset's arc is for the reset
    alone), a combinational cell's on any input, so all its arcs are averaged."""
    if cell.sequential:
        clocked = [a for a in pin.internal if a[0] in cell.pins and cell.pins[a[0]].clock]
        if clocked:
            return clocked
    return pin.internal


def _toggles_by_bit(netlist, toggles):
    by_bit = {}
    for name, counts in toggles.items():
        bits = netlist.names.get(name)
        if bits is None or len(bits) != len(counts):
            continue
        for bit, count in zip(bits, counts):
            if isinstance(bit, int):
                by_bit[bit] = count
    return by_bit


def _energies(netlist, run):
    """Toggle-priced energies of one run (J over its window), by term and by block."""
    library = netlist.library
    v2 = library.voltage ** 2
    toggles = _toggles_by_bit(netlist, run.toggles)
    terms = {"clock pins": 0.0, "other internal": 0.0, "switching on pins": 0.0,
             "wires": 0.0}
    blocks = {}

    def add(term, block, joules):
        terms[term] += joules
        blocks[block] = blocks.get(block, 0.0) + joules

    driven_block = {}
    for bit, (cell_name, _) in netlist.driver.items():
        driven_block[bit] = netlist.blocks.get(cell_name, "other")
    for bit, count in toggles.items():
        if not count:
            continue
        pins, wire = netlist.load(bit)
        clocked = bit in netlist.clock or bit in netlist.gated
        block = "clock" if clocked else driven_block.get(
            bit, "state memory" if bit in netlist.memory_read else "inputs")
        add("clock pins" if clocked else "switching on pins", block,
            count * pins * 1e-12 * v2 / 2)
        add("clock pins" if clocked else "wires", block, count * wire * 1e-12 * v2 / 2)
    for cell_name, cell in netlist.cells.items():
        lib = library.cells.get(cell["type"])
        if lib is None:
            continue
        block = netlist.blocks[cell_name]
        for port, bits in cell["connections"].items():
            pin = lib.pins[port]
            bit = bits[0]
            if not isinstance(bit, int) or not pin.internal:
                continue
            if pin.direction == "output":
                count = toggles.get(bit, 0)
                if count:
                    load = sum(netlist.load(bit))
                    arcs = _arcs(lib, pin)
                    rise = _mean_energy([t[1] for t in arcs], load)
                    fall = _mean_energy([t[2] for t in arcs], load)
                    add("other internal", block, count * (rise + fall) / 2 * 1e-12)
            elif pin.clock or bit in netlist.clock:
                # a clock pin, on the clock or a gated clock: a rise and a fall a pulse
                rise = _mean_energy([t[1] for t in pin.internal], 0.0)
                fall = _mean_energy([t[2] for t in pin.internal], 0.0)
                add("clock pins", "clock", toggles.get(bit, 0) / 2 * (rise + fall) * 1e-12)
            else:
                count = toggles.get(bit, 0)
                if count:
                    rise = _mean_energy([t[1] for t in pin.internal], 0.0)
                    fall = _mean_energy([t[2] for t in pin.internal], 0.0)
                    add("other internal", block, count * (rise + fall) / 2 * 1e-12)
    return terms, blocks, toggles


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
    zero_bits = _toggles_by_bit(netlist, zero.toggles)
    unit_bits = _toggles_by_bit(netlist, unit.toggles) if unit is not None else {}
    base = glitch_zero if glitch_zero is not None else zero
    base_bits = _toggles_by_bit(netlist, base.toggles) if unit is not None else {}

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
        internal = (_mean_energy([t[1] for t in out.internal], load)
                    + _mean_energy([t[2] for t in out.internal], load)) * 1e-12
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
    from . import wires

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
            energy += (_mean_energy([t[1] for t in out.internal], load)
                       + _mean_energy([t[2] for t in out.internal], load)) * 1e-12
        # a rise and a fall a cycle; a leaf net's pins are the clock pins term
        energy += 2 * (wire + (0.0 if leaf else pins)) * 1e-12 * v2 / 2
    return {"buffer": CLOCK_BUFFER, "fanout": CLOCK_FANOUT, "buffers": tree["buffers"],
            "levels": tree["levels"], "energy_per_cycle_j": energy,
            "area_um2": tree["buffers"] * buffer.area,
            "leakage_w": tree["buffers"] * buffer.leakage * 1e-9,
            "wire_um": tree["wire_um"], "placed": True}


def price(synthesis, library, zero, unit, samples_per_second, glitch_zero=None,
          placement=None):
    """Power of ``synthesis`` from its zero-delay run ``zero`` and unit-delay run ``unit``
    (or None: glitches not measured) at ``samples_per_second``; a dict of figures in SI.
    ``unit`` may cover a shorter window than ``zero``: then ``glitch_zero`` is a
    zero-delay run of that same window, and the glitches are ``unit`` less ``glitch_zero``.
    With ``placement`` (:class:`~neurorice.asic.placement.Placement`) every net's wire
    and the clock tree come from the cells' places (:mod:`neurorice.asic.wires`), else
    from the library's wire-load model."""
    wire_pf = lengths = None
    if placement is not None:
        from . import wires

        plain = Netlist(synthesis.netlist_json, synthesis.top, library)
        wire_pf, lengths = wires.placed_wires(placement, skip=plain.clock)
    netlist = Netlist(synthesis.netlist_json, synthesis.top, library, wire_pf)
    terms, blocks, toggles = _energies(netlist, zero)
    samples = max(1, zero.samples_in_window)
    per_sample = {k: v / samples for k, v in terms.items()}
    block_sample = {k: v / samples for k, v in blocks.items()}
    glitch = None
    if unit is not None:
        unit_terms, unit_blocks, _ = _energies(netlist, unit)
        unit_samples = max(1, unit.samples_in_window)
        base_terms, base_blocks, base_samples = terms, blocks, samples
        if glitch_zero is not None:
            base_terms, base_blocks, _ = _energies(netlist, glitch_zero)
            base_samples = max(1, glitch_zero.samples_in_window)
        glitch = sum(v for k, v in unit_terms.items() if k != "clock pins") / unit_samples \
            - sum(v for k, v in base_terms.items() if k != "clock pins") / base_samples
        per_sample["glitches"] = glitch
        for block, joules in unit_blocks.items():
            if block != "clock":
                extra = joules / unit_samples - base_blocks.get(block, 0.0) / base_samples
                block_sample[block] = block_sample.get(block, 0.0) + extra
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
    leak_by_block = {}
    for cell_name, cell in synthesis.module["cells"].items():
        if cell["type"] in library.cells:
            block = netlist.blocks[cell_name]
            leak_by_block[block] = leak_by_block.get(block, 0.0) + \
                library.cells[cell["type"]].leakage * 1e-9
    for block, w in leak_by_block.items():
        by_block[block] = by_block.get(block, 0.0) + w
    by_block["clock"] = by_block.get("clock", 0.0) + tree["leakage_w"]
    nets = len(toggles)
    net_toggles = sum(c for b, c in toggles.items() if b not in netlist.clock)
    return {"terms_w": watts, "blocks_w": by_block, "total_w": sum(watts.values()),
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
