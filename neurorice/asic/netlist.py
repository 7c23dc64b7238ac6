"""The nets of a mapped netlist and the energy of their toggles, from the library's tables.

:class:`Netlist` reads a mapped netlist into what pricing needs of each net bit: the cell
pin that drives it, the pins it loads and their capacitance, its wire (from a placement, else
the library's wire-load model) and the block it belongs to (:data:`BLOCKS`, by the
flip-flops' names). :func:`energies` prices one gate-level run's toggles on those nets:
switching on pins, wires, cells' internal energy and the clock pins, by term and by block.
Every internal-energy table is read at :data:`INPUT_TRANSITION_NS` (:func:`mean_energy`).

These are the nets' own figures; composing them into a design's power (glitches, leakage,
the clock tree, per sample) is :func:`neurorice.asic.power.price`'s. They stand apart
because the memory's activity (:mod:`neurorice.asic.memory_activity`) and the clock tree
(:mod:`neurorice.asic.clocktree`) read the same nets and tables.
"""

import functools
import json
import re

from neurorice.hardware.tools import top_module

__all__ = ["BLOCKS", "INPUT_TRANSITION_NS", "OUTPUT_LOAD_PF", "Netlist", "block_of", "cells_energy",
           "energies", "mean_energy", "toggles_by_bit"]

#: The input transition every internal-energy table is read at (ns): the middle of the
#: transitions OpenSTA reports on the encoder's nets (0.05 to 0.35 ns).
INPUT_TRANSITION_NS = 0.1
#: A port of the top drives or loads this much (pF), as :mod:`neurorice.asic.sta` assumes.
OUTPUT_LOAD_PF = 0.005

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
          ("encoder.fetched", "state memory"),
          # a memory simulated as a latch array (:mod:`neurorice.asic.latchbank`)
          ("latches.", "state memory"),
          # the compact encoder with the adc back end (gateware.compact_interval): the
          # analog prediction, the read stage, the held reads and the contexts' rows are
          # the model; its range coder is a submodule (``encoder.coder``, above)
          ("encoder.analog", "CDF model"), ("encoder.staged", "CDF model"),
          ("encoder.cum_", "CDF model"), ("encoder.context", "CDF model"),
          ("encoder.k", "Rice coder"))


def block_of(name):
    """The block (of :data:`BLOCKS`) of the net or cell ``name``, or None."""
    for prefix, block in BLOCKS:
        if name.lstrip("\\").startswith(prefix):
            return block
    return None


def mean_energy(tables, load):
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

    @functools.cached_property
    def registers(self):
        """Each cell's register: a flip-flop's the signal its output is named after (the
        gateware's name, without the encoder's prefix), logic the first register it feeds,
        as :meth:`_blocks` does for blocks; a finer map of where the energy goes."""
        named = {}
        for name, bits in self.names.items():
            if name.startswith(("$", "_")):
                continue  # Yosys's and ABC's own
            # a bit's flip-flop may be named after its bit: the register is the signal
            label = re.sub(r"(\[\d+\])+$", "", name.removeprefix("encoder."))
            for bit in bits:
                if isinstance(bit, int) and (bit not in named or len(label) < len(named[bit])):
                    named[bit] = label
        return self._cones(named, lambda cell_name: "state memory")

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
        return self._cones(named, lambda cell_name: block_of(cell_name) or "state memory")

    def _cones(self, named, memory_feeds):
        """Each cell's label: a flip-flop's from ``named`` (output bit -> label), logic the
        label of the first flip-flop or memory it feeds (backwards from their inputs); a
        memory is the state memory, and the logic that feeds it is ``memory_feeds(cell)``."""
        blocks, frontier, feeds = {}, [], {}
        for cell_name, cell in self.cells.items():
            lib = self.library.cells.get(cell["type"])
            if lib is None:
                blocks[cell_name] = "state memory"
                feeds[cell_name] = memory_feeds(cell_name)
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


def toggles_by_bit(netlist, toggles):
    """A run's toggles ``{net name: [count a bit]}`` as ``{net bit: count}``; a name
    that is not the netlist's, or not as wide, is left out."""
    by_bit = {}
    for name, counts in toggles.items():
        bits = netlist.names.get(name)
        if bits is None or len(bits) != len(counts):
            continue
        for bit, count in zip(bits, counts):
            if isinstance(bit, int):
                by_bit[bit] = count
    return by_bit


def energies(netlist, run, labels=None):
    """Toggle-priced energies of one run (J over its window), by term and by block, or by
    ``labels`` (cell -> label, e.g. :attr:`Netlist.registers`) instead of blocks: then a
    flip-flop's clock pins count in its own label, not in the clock's."""
    library = netlist.library
    v2 = library.voltage ** 2
    toggles = toggles_by_bit(netlist, run.toggles)
    own_clock = labels is not None
    labels = netlist.blocks if labels is None else labels
    terms = {"clock pins": 0.0, "other internal": 0.0, "switching on pins": 0.0,
             "wires": 0.0}
    blocks = {}

    def add(term, block, joules):
        terms[term] += joules
        blocks[block] = blocks.get(block, 0.0) + joules

    driven_block = {}
    for bit, (cell_name, _) in netlist.driver.items():
        driven_block[bit] = labels.get(cell_name, "other")
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
        block = labels[cell_name]
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
                    rise = mean_energy([t[1] for t in arcs], load)
                    fall = mean_energy([t[2] for t in arcs], load)
                    add("other internal", block, count * (rise + fall) / 2 * 1e-12)
            elif pin.clock or bit in netlist.clock:
                # a clock pin, on the clock or a gated clock: a rise and a fall a pulse
                rise = mean_energy([t[1] for t in pin.internal], 0.0)
                fall = mean_energy([t[2] for t in pin.internal], 0.0)
                add("clock pins", block if own_clock else "clock",
                    toggles.get(bit, 0) / 2 * (rise + fall) * 1e-12)
            else:
                count = toggles.get(bit, 0)
                if count:
                    rise = mean_energy([t[1] for t in pin.internal], 0.0)
                    fall = mean_energy([t[2] for t in pin.internal], 0.0)
                    add("other internal", block, count * (rise + fall) / 2 * 1e-12)
    return terms, blocks, toggles


def cells_energy(netlist, run, names):
    """Toggle-priced energy (J over the run's window) of the cells ``names`` alone: their
    internal energies (clock pins included), the nets they drive (pins and wire), and their
    input pins' share of the nets that drive them from elsewhere."""
    library = netlist.library
    v2 = library.voltage ** 2
    toggles = toggles_by_bit(netlist, run.toggles)
    names = set(names)
    joules = 0.0
    for bit, count in toggles.items():
        driver = netlist.driver.get(bit)
        if count and driver and driver[0] in names:
            joules += count * sum(netlist.load(bit)) * 1e-12 * v2 / 2
    for cell_name in names:
        cell = netlist.cells[cell_name]
        lib = library.cells[cell["type"]]
        for port, bits in cell["connections"].items():
            pin, bit = lib.pins[port], bits[0]
            count = toggles.get(bit, 0) if isinstance(bit, int) else 0
            if not count:
                continue
            if pin.direction == "output":
                load = sum(netlist.load(bit))
                arcs = _arcs(lib, pin)
                joules += count * (mean_energy([t[1] for t in arcs], load)
                                   + mean_energy([t[2] for t in arcs], load)) / 2 * 1e-12
                continue
            driver = netlist.driver.get(bit)
            if not (driver and driver[0] in names):
                joules += count * pin.capacitance * 1e-12 * v2 / 2
            if pin.internal:
                energy = (mean_energy([t[1] for t in pin.internal], 0.0)
                          + mean_energy([t[2] for t in pin.internal], 0.0))
                # a clock pin: a rise and a fall a pulse; another pin: the mean a toggle
                joules += count * energy / 2 * 1e-12
    return joules
