"""Power from the switching activity of the gate netlist on real recordings.

The toggles of each net bit over the simulated window (:mod:`neurorice.report.gatesim`) are
weighted by the number of cell inputs the net drives (from the netlist), and priced with
:mod:`neurorice.report.energy` (the clock net's loads as flip-flop clock pins, every other
load as a NAND2 input); the memories' accesses, one read and one write of each state memory
a sample (:class:`gateware.state.ChannelState`), are priced per bit. Gates leak as NAND2s,
flip-flops as D flip-flops.
"""

import json

from . import energy

__all__ = ["estimate", "fanouts"]

#: What the estimate leaves out, said in the report.
OMISSIONS = (
    "wire capacitance and the cells' internal (short-circuit and internal-node) energy: "
    "only the gate inputs a net drives are charged, so the dynamic figure is a lower bound",
    "glitches: the netlist is simulated without delays, so a net toggles at most once a "
    "clock edge",
    "the clock tree's buffers (its sinks, the flip-flops' clock pins, are counted)",
    "the state memories' leakage and periphery; their access energy is a 45 nm figure, not "
    "a 130 nm one, and so low",
    "the I/O, the ADC and the radio",
    "a second simulator's check: the netlist is simulated by Icarus alone. Verilator 5.006 "
    "gave the same words bit for bit (C=4 and C=1024) and the same toggles to 0.1 % with "
    "this testbench, but only with --trace-underscore (without it ABC's _N_ nets are not "
    "dumped) and after about a minute of compiling (longer than Icarus takes for small "
    "configurations), so it is not used",
    "the real cells: the generic netlist's one-bit gates are priced as minimum NAND2s "
    "(input capacitance and leakage) and its flip-flops as minimum D flip-flops "
    "(sky130_fd_sc_hd__dfxtp_1), not as the cells a SKY130 flow would choose",
)


#: Clock ports of the generic netlist's cells: flip-flops' ``C``, memories' clocks.
_CLOCK_PORTS = ("C", "CLK", "RD_CLK", "WR_CLK")


def clock_bits(netlist_json, top):
    """The net bits of the netlist's top module that clock a flip-flop or a memory."""
    modules = json.loads(netlist_json)["modules"]
    module = modules.get(top) or modules["\\" + top]
    bits = set()
    for cell in module["cells"].values():
        if not cell["type"].startswith("$"):
            continue
        for port in _CLOCK_PORTS:
            if port == "C" and "DFF" not in cell["type"]:
                continue
            bits.update(b for b in cell["connections"].get(port, ()) if isinstance(b, int))
    return bits


def fanouts(netlist_json, top):
    """``{net name: [cell inputs driven by bit 0, bit 1, ...]}`` of the netlist's top module."""
    modules = json.loads(netlist_json)["modules"]
    module = modules.get(top) or modules["\\" + top]
    loads = {}
    for cell in module["cells"].values():
        directions = cell.get("port_directions", {})
        for port, bits in cell["connections"].items():
            if directions.get(port) != "input":
                continue
            for bit in bits:
                if isinstance(bit, int):
                    loads[bit] = loads.get(bit, 0) + 1
    nets = {}
    for name, net in module["netnames"].items():
        nets[name.lstrip("\\")] = [loads.get(bit, 0) if isinstance(bit, int) else 0
                                   for bit in net["bits"]]
    return nets, loads


def estimate(synthesis, run, channels):
    """Power figures of a design from its :class:`~neurorice.report.synthesis.Synthesis`
    and a :class:`~neurorice.report.gatesim.GateRun` of its netlist.

    Every channel is sampled at :data:`~neurorice.report.energy.SAMPLE_RATE_HZ`, so the
    encoder takes ``channels`` times that many samples a second; the energy of a sample is
    that of the window's cycles over its samples, so a configuration that takes a sample
    in more than a clock (fewer channels than the predictor's weight loop has stages) pays
    for its extra cycles, and its clock is as many times faster.
    """
    nets, _ = fanouts(synthesis.netlist_json, synthesis.top)
    clocks = clock_bits(synthesis.netlist_json, synthesis.top)
    seen = set()
    pin_toggles = net_toggles = clock_pin_toggles = 0
    modules = json.loads(synthesis.netlist_json)["modules"]
    module = modules.get(synthesis.top) or modules["\\" + synthesis.top]
    bit_ids = {name.lstrip("\\"): net["bits"] for name, net in module["netnames"].items()}
    for name, counts in run.toggles.items():
        ids = bit_ids.get(name)
        if ids is None or len(ids) != len(counts):
            continue
        for bit, count, load in zip(ids, counts, nets[name]):
            if not isinstance(bit, int) or bit in seen:
                continue
            seen.add(bit)
            net_toggles += count
            if bit in clocks:
                clock_pin_toggles += count * load
            else:
                pin_toggles += count * load
    samples = max(1, run.samples_in_window)
    rate = channels * energy.SAMPLE_RATE_HZ
    logic_j = (pin_toggles * energy.pin_toggle_energy()
               + clock_pin_toggles * energy.clock_pin_toggle_energy()) / samples
    memory_bits = sum(memory["width"] for memory in synthesis.memories)
    memory_j = 2 * memory_bits * energy.value("sram_energy_per_bit_j")
    cells = synthesis.gates + synthesis.flops
    leakage_w = (synthesis.gates * energy.value("gate_leakage_w")
                 + synthesis.flops * energy.value("flop_leakage_w"))
    dynamic_w = (logic_j + memory_j) * rate
    total_w = dynamic_w + leakage_w
    return {
        "process": energy.PROCESS,
        "library": energy.LIBRARY,
        "constants": {name: {"value": v, "source": s} for name, (v, s) in
                      energy.CONSTANTS.items()},
        "pin_toggle_energy_j": energy.pin_toggle_energy(),
        "window_cycles": run.window, "window_samples": run.samples_in_window,
        "net_bits": len(seen), "net_toggles": net_toggles, "pin_toggles": pin_toggles,
        "clock_pin_toggles": clock_pin_toggles,
        "activity": net_toggles / max(1, len(seen) * run.window),
        "sample_rate_hz": energy.SAMPLE_RATE_HZ, "clock_hz": rate * run.window / samples,
        "logic_energy_per_sample_j": logic_j, "memory_energy_per_sample_j": memory_j,
        "cells": cells, "leakage_w": leakage_w,
        "dynamic_w": dynamic_w, "total_w": total_w, "per_channel_w": total_w / channels,
        "omissions": list(OMISSIONS),
    }
