"""Gate-level simulation of the synthesised netlist with Icarus Verilog, on real samples.

A small testbench streams the samples into the netlist one a clock, takes every word
(no backpressure), logs the cycle of each transfer, and dumps every net of the netlist to a
VCD file from the end of a warm-up on, from which :func:`count_toggles` counts the toggles
of every net bit over a window of cycles. The netlist has no delays: a toggle is a change
of a net's value between time steps, so glitches are not counted. Memories are simulated
as arrays; their accesses are counted from the design, not from the dump. Icarus runs the
C=1024 netlist at about 250 cycles a second before the dump starts and about 100 after
(the default 8192-cycle window: 10304 cycles in about 100 s, and 15 s to count the toggles).

Verilator (5.006) was tried on the same netlist and this testbench (``--binary --timing
--trace``): its words were the same as Icarus's, bit for bit, at C=4 and C=1024, and it
runs the window in well under a second; an earlier mismatch with the golden model was not
reproduced (that attempt's harness was not kept), so it lay in that harness, not in the
netlist or Verilator. It is not used because (1) without ``--trace-underscore`` it leaves
every ``_N_`` net (all of ABC's gates) out of the dump: 274 of the C=4 netlist's 7058
dumped variables; (2) its dump starts one cycle later than Icarus's and holds the
testbench's own signals; (3) compiling the netlist takes about a minute (C=4: 80 s,
C=1024: 55 s), far longer than Icarus takes for CI's small configuration, though about
half of what Icarus takes for the default C=1024 window: a Verilator path, with the window
aligned and the compiled model cached, is a possible speed-up.
"""

import pathlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

__all__ = ["GateRun", "count_toggles", "simulate"]

#: Samples the testbench can hold.
MAX_SAMPLES = 1 << 20
#: The testbench's clock period in picoseconds.
PERIOD_PS = 10_000
#: Cycles the testbench runs on after the last sample, for the pipeline to drain: well over
#: the encoder's latency (:data:`gateware.encoder.LATENCY`).
DRAIN_CYCLES = 256

TESTBENCH = """
`timescale 1ns/1ps
module neurorice_tb;
  reg clk = 0, rst = 1, valid = 0, take = 0;
  reg [{sample_bits}:0] payload = 0;
  wire ready, o_valid;
  wire [{word_bits}:0] o_payload;
  reg [{sample_bits_1}:0] samples [0:{max_samples}];
  integer count = 0, warmup = 0, n = 0, cycle = 0, log, idle = 0;
  {top} dut(.clk(clk), .rst(rst), .i__payload(payload), .i__valid(valid), .i__ready(ready),
            .o__payload(o_payload), .o__valid(o_valid), .o__ready(1'b1));
  always #5 clk = ~clk;
  initial begin
    if (!$value$plusargs("count=%d", count)) $fatal(1, "no +count");
    if (!$value$plusargs("warmup=%d", warmup)) $fatal(1, "no +warmup");
    $readmemh("samples.hex", samples, 0, count - 1);
    log = $fopen("transfers.txt", "w");
    $dumpfile("nets.vcd");
    repeat (2) @(posedge clk);
    #1 rst = 0; valid = 1; payload = {{count == 1, samples[0]}};
  end
  // The item transferred at a rising edge is replaced as a register would replace it,
  // with the flip-flops' delay after that edge, so that the design's state and its next
  // sample change together, as they would behind the ADC's register (changing the input
  // at the falling edge made the logic between them evaluate twice a clock).
  always @(posedge clk) if (!rst && take) begin
    n = n + 1;
    if (n == count) valid <= #1 0;
    else payload <= #1 {{n == count - 1, samples[n]}};
  end
  // The handshakes are logged at the falling edge, where the outputs have settled (ready
  // does not depend on valid or the payload).
  always @(negedge clk) if (!rst) begin
    cycle = cycle + 1;
    if (o_valid) $fwrite(log, "o %0d %h\\n", cycle, o_payload);
    take = valid && ready;
    if (take) $fwrite(log, "i %0d\\n", cycle);
    if (cycle == warmup) $dumpvars(1, dut);
    if (!valid) idle = idle + 1;
    if (idle > {drain}) begin $fclose(log); $finish; end
  end
endmodule
"""


@dataclass
class GateRun:
    """What a gate-level run gave.

    Attributes
    ----------
    inputs : list of int
        Cycle of each sample taken.
    outputs : list of (int, int, int)
        ``(cycle, word, last)`` of each word.
    toggles : dict of str to list of int
        Toggles of each bit of each dumped net, in the window.
    window : int
        Cycles in the window.
    samples_in_window : int
    """

    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    toggles: dict = field(default_factory=dict)
    window: int = 0
    samples_in_window: int = 0


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed: run make setup")
    return path


def build(netlist_verilog, top, width, word_width, work, models=(), defines=()):
    """Compile the testbench and the netlist in ``work``, with the Verilog files ``models``
    (a cell library's) and the macros ``defines``; the simulation's file name."""
    bench = TESTBENCH.format(sample_bits=width, sample_bits_1=width - 1,
                             word_bits=word_width, top=top, max_samples=MAX_SAMPLES - 1,
                             drain=DRAIN_CYCLES)
    (work / "netlist.v").write_text(netlist_verilog)
    (work / "tb.v").write_text(bench)
    done = subprocess.run([_tool("iverilog"), "-g2012", *(f"-D{d}" for d in defines),
                           "-o", "bench", "tb.v", "netlist.v", *map(str, models)],
                          cwd=work, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"iverilog failed:\n{done.stderr[-3000:]}")
    return "bench"


def simulate(netlist_verilog, top, samples, width, word_width, warmup, window, models=(),
             defines=()):
    """Run the netlist on ``samples`` (one stream); a :class:`GateRun`. ``models`` and
    ``defines``: as :func:`build` takes them, for a netlist of library cells.

    The window of the toggle count starts ``warmup`` cycles after reset and lasts
    ``window`` cycles, or until the input runs out.
    """
    if not 1 <= len(samples) <= MAX_SAMPLES:
        raise ValueError(f"a gate-level run takes 1..{MAX_SAMPLES} samples, not {len(samples)}")
    with tempfile.TemporaryDirectory(prefix="neurorice-gates-") as work:
        work = pathlib.Path(work)
        executable = build(netlist_verilog, top, width, word_width, work, models, defines)
        (work / "samples.hex").write_text("".join(f"{s:x}\n" for s in samples))
        subprocess.run([_tool("vvp"), "-n", executable, f"+count={len(samples)}",
                        f"+warmup={warmup}"],
                       cwd=work, check=True, capture_output=True, text=True)
        run = GateRun()
        for line in (work / "transfers.txt").read_text().splitlines():
            kind, *values = line.split()
            if kind == "i":
                run.inputs.append(int(values[0]))
            else:
                value = int(values[1], 16)
                run.outputs.append((int(values[0]), value & ((1 << word_width) - 1),
                                    value >> word_width))
        run.toggles, run.window = count_toggles(work / "nets.vcd", window)
        run.samples_in_window = sum(1 for c in run.inputs if warmup <= c < warmup + run.window)
    return run


_VAR = re.compile(r"\$var\s+\S+\s+(\d+)\s+(\S+)\s+(.+?)\s+\$end")


def count_toggles(path, window):
    """Toggles of every bit of every variable in the VCD file at ``path``, over ``window``
    clock periods from the first time in the file.

    Returns ``({name: [toggles of bit 0, bit 1, ...]}, cycles)``, ``cycles`` being the span
    counted, at most ``window``. A change from or to ``x`` or ``z`` is no toggle.
    """
    names, widths = {}, {}
    counts, previous = {}, {}
    start = end = None
    with open(path) as vcd:
        for line in vcd:
            line = line.strip()
            if line.startswith("$var"):
                match = _VAR.match(line)
                width, code, name = int(match[1]), match[2], match[3].split(" [")[0]
                names.setdefault(code, []).append(name.lstrip("\\"))
                widths[code] = width
            elif line.startswith("$enddefinitions"):
                break
        for code, width in widths.items():
            counts[code] = [0] * width
            previous[code] = None
        for line in vcd:
            head = line[0]
            if head == "#":
                time = int(line[1:])
                start = time if start is None else start
                if time >= start + window * PERIOD_PS:
                    break
                end = time
                continue
            if head in "01xz":
                value, code = head, line[1:].strip()
                if widths[code] == 1:  # most nets: one bit, no padding
                    old = previous[code]
                    previous[code] = value
                    if old is not None and old != value and old in "01" and value in "01":
                        counts[code][0] += 1
                    continue
            elif head == "b":
                value, code = line[1:].split()
            else:
                continue
            width = widths[code]
            value = value.rjust(width, "0" if value[0] in "01" else value[0])
            old = previous[code]
            previous[code] = value
            if old is None or old == value:
                continue
            bits = counts[code]
            for i, (a, b) in enumerate(zip(reversed(old), reversed(value))):
                if a != b and a in "01" and b in "01":
                    bits[i] += 1
    toggles = {}
    for code, aliases in names.items():
        for name in aliases:
            toggles[name] = counts[code]
    cycles = 0 if start is None else min(window, (end - start) // PERIOD_PS + 1)
    return toggles, cycles
