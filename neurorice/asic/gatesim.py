"""The mapped netlist simulated with the library's own cell models (Icarus Verilog), on
real samples: its words against the golden model, and every net's toggles for the power.

Two runs of the same netlist and samples: a zero-delay run (``FUNCTIONAL``, the flip-flops'
``UNIT_DELAY`` of 1 ns as the PDK's flows use it, so that one flip-flop's new value does not
race into the next), whose toggles are the nets' functional activity; and a unit-delay run,
in which every cell's output also lags its inputs by :data:`GATE_DELAY_NS` (an inertial
continuous assignment added after each cell), so that paths of different depths reach a
gate at different times and its output glitches as a real one would. The difference of the
two runs' toggles is the glitches. The PDK's models put ``UNIT_DELAY`` on sequential cells
only, which is why the gate delays are added here.
"""

import re

from neurorice.hardware import gatesim

from ..hardware.targets import SKY130_HD

__all__ = ["GATE_DELAY_NS", "simulate", "simulate_unit", "unit_delay"]

#: Each cell's delay in the glitch-aware run: deep enough paths (a hundred cells) still
#: settle well before the testbench's falling edge, 5 ns after the rising one.
GATE_DELAY_NS = 0.02

_INSTANCE = re.compile(rf"^  ({SKY130_HD.name}__\w+) (\S+) \($")
_CONNECTION = re.compile(r"^    \.(\w+)\((.+?)\)(,?)$")


def unit_delay(netlist_verilog, library, delay_ns=GATE_DELAY_NS):
    """``netlist_verilog`` with every library cell's outputs delayed by ``delay_ns``."""
    out, extra, cell, counter = [], [], None, 0
    for line in netlist_verilog.splitlines():
        match = _INSTANCE.match(line)
        if match:
            cell = library.cells.get(match[1])
        elif line.startswith("  );"):
            cell = None
        elif cell is not None:
            match = _CONNECTION.match(line)
            if match and match[1] in cell.pins and cell.pins[match[1]].direction == "output":
                counter += 1
                name = f"\\ud${counter} "
                extra.append(f"  wire {name};\n  assign #{delay_ns} {match[2]} = {name};")
                line = f"    .{match[1]}({name}){match[3]}"
        if line.startswith("endmodule") and extra:
            out.extend(extra)
            extra = []
        out.append(line)
    return "`timescale 1ns / 1ps\n" + "\n".join(out) + "\n"


def simulate(synthesis, library, models, samples, width, word_width, warmup, window, *,
             glitches=True):
    """Zero-delay and (with ``glitches``) unit-delay runs of ``synthesis``'s netlist;
    ``(zero-delay GateRun, unit-delay GateRun or None)``."""
    defines = ("FUNCTIONAL", "UNIT_DELAY=#1")
    netlist = "`timescale 1ns / 1ps\n" + synthesis.netlist_verilog
    zero = gatesim.simulate(netlist, synthesis.top, samples, width, word_width, warmup, window,
                            models, defines)
    unit = None
    if glitches:
        unit = gatesim.simulate(unit_delay(synthesis.netlist_verilog, library), synthesis.top,
                                samples, width, word_width, warmup, window, models, defines)
    return zero, unit


def simulate_unit(synthesis, library, models, samples, width, word_width, warmup, window):
    """The unit-delay run alone: ``(None, GateRun)``."""
    defines = ("FUNCTIONAL", "UNIT_DELAY=#1")
    return None, gatesim.simulate(unit_delay(synthesis.netlist_verilog, library),
                                  synthesis.top, samples, width, word_width, warmup, window,
                                  models, defines)
