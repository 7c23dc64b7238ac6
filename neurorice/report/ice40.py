"""Place and route on an iCE40 UP5K: logic cells, flip-flops, EBR, SPRAM, DSP, Fmax.

The UP5K's packages have at most 39 I/O pins and the encoder has 50 port bits, so the
encoder is built inside a small harness: the sample shifts in from one pin, the word is
loaded into a shift register and shifts out to another, and every other port is
registered. Every path of the encoder then runs between its own flip-flops, and nothing is
optimised away. The harness's flip-flops (:func:`harness_flops`) are subtracted from the
encoder's; its few LUTs are not.
"""

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

from ..hardware.targets import UP5K
from ..hardware.tools import ToolError, run_tool

__all__ = ["PART", "SEEDS", "PlaceAndRoute", "dsp_registers", "harness", "harness_flops",
           "place_and_route"]

#: The device and package: the UltraPlus 5K in its 48-pin QFN.
PART = UP5K

#: Yosys's iCE40 synthesis, with the UltraPlus's delays (``-device u``) for ABC's mapping
#: of logic to LUTs, so that it spends its depth where this part is slow.
SYNTH = ("read_verilog -sv design.v harness.v; "
         "synth_ice40 -device u -dsp -top neurorice_harness -json design.json; "
         "tee -q -o stat.json stat -json")


def harness(design, top=None):
    """The Verilog of the harness around ``design``'s iCE40 variant (or the module ``top``)."""
    sample, word = design.width + 1, design.word_width + 1
    return f"""
module neurorice_harness(input clk, input rst_pin, input sample_pin, input valid_pin,
                         input ready_pin, output reg i_ready_q, output reg o_valid_q,
                         output word_pin);
  reg rst, i_valid, o_ready;
  reg [{sample - 1}:0] sample_shift;
  reg [{word - 1}:0] word_shift;
  wire i_ready, o_valid;
  wire [{word - 1}:0] o_payload;
  always @(posedge clk) begin
    rst <= rst_pin; i_valid <= valid_pin; o_ready <= ready_pin;
    i_ready_q <= i_ready; o_valid_q <= o_valid;
    sample_shift <= {{sample_shift[{sample - 2}:0], sample_pin}};
    if (o_valid & o_ready) word_shift <= o_payload;
    else word_shift <= {{1'b0, word_shift[{word - 1}:1]}};
  end
  assign word_pin = word_shift[0];
  {top or design.top(ice40=True)} encoder(.clk(clk), .rst(rst), .i__payload(sample_shift),
    .i__valid(i_valid), .i__ready(i_ready), .o__payload(o_payload), .o__valid(o_valid),
    .o__ready(o_ready));
endmodule
"""


def harness_flops(design):
    """Flip-flops of the harness: the two shift registers and five port registers."""
    return design.width + 1 + design.word_width + 1 + 5


#: SB_MAC16 parameters that put a register on the multiplier's inputs, and on its product
#: or output (``TOP``/``BOTOUTPUT_SELECT`` 1 is the registered accumulator output).
_DSP_INPUT_REGISTERS = ("A_REG", "B_REG")
_DSP_OUTPUT_REGISTERS = ("PIPELINE_16x16_MULT_REG1", "PIPELINE_16x16_MULT_REG2",
                         "TOP_8x8_MULT_REG", "BOT_8x8_MULT_REG")
_DSP_OUTPUT_SELECTS = ("TOPOUTPUT_SELECT", "BOTOUTPUT_SELECT")


def _parameter(cell, name):
    value = cell.get("parameters", {}).get(name, "0")
    if isinstance(value, int):
        return value
    try:
        return int(value, 2)
    except ValueError:
        return 0


def dsp_registers(design_json):
    """How each SB_MAC16 of yosys's iCE40 netlist ``design_json`` is registered.

    nextpnr-ice40 times a DSP as a register: a DSP without registers (its ``CLK`` tied
    low) is put in a pseudo clock domain ``$PACKER_GND_NET``, paths end at its inputs and
    start at its outputs, and the multiplier's own delay is on no path. So Fmax is an upper
    bound unless every DSP is registered at its inputs (``A_REG``, ``B_REG``) and at its
    product or output.

    Returns ``{"registered": n, "partly_registered": n, "combinational": n,
    "cells": {name: "registered" | "partly registered" | "combinational"}}``.
    """
    netlist = json.loads(design_json) if isinstance(design_json, (str, bytes)) else design_json
    kinds = {}
    for module in netlist.get("modules", {}).values():
        for name, cell in module.get("cells", {}).items():
            if cell.get("type") != "SB_MAC16":
                continue
            inputs = all(_parameter(cell, p) for p in _DSP_INPUT_REGISTERS)
            output = (any(_parameter(cell, p) for p in _DSP_OUTPUT_REGISTERS)
                      or any(_parameter(cell, p) == 1 for p in _DSP_OUTPUT_SELECTS))
            anything = (output or any(_parameter(cell, p) for p in _DSP_INPUT_REGISTERS)
                        or _parameter(cell, "C_REG") or _parameter(cell, "D_REG"))
            kinds[name] = ("registered" if inputs and output
                           else "partly registered" if anything else "combinational")
    counts = {kind: sum(1 for k in kinds.values() if k == kind)
              for kind in ("registered", "partly registered", "combinational")}
    return {"registered": counts["registered"],
            "partly_registered": counts["partly registered"],
            "combinational": counts["combinational"], "cells": dict(sorted(kinds.items()))}


def _is_pseudo_clock(name):
    """nextpnr's stand-in clock of unclocked DSPs (and of any cell whose clock is a
    constant), not a clock of the design."""
    return "$PACKER_GND_NET" in name or "$PACKER_VCC_NET" in name


class PlaceAndRoute:
    """The result of synthesis and place and route.

    Attributes
    ----------
    routed : bool
        nextpnr placed and routed the design.
    fmax_mhz : float or None
        Achieved clock frequency of the encoder's clock.
    target_mhz : float
    utilisation : dict of str to (int, int)
        nextpnr's ``ICESTORM_LC``, ``ICESTORM_RAM``, ``ICESTORM_SPRAM``, ``ICESTORM_DSP``:
        used and available (on failure, what the packer wanted).
    cells : dict of str to int
        Yosys's iCE40 cells of the design with the harness (``SB_LUT4``, ``SB_DFF*``, ...).
    flops : int
        Flip-flops of the encoder alone.
    error : str or None
        Why it failed.
    critical_path : list of str
        The cells along the critical path, for the reader.
    seed : int
        nextpnr's placement seed of this result.
    fmax_by_seed : dict of int to float or None
        The Fmax of every seed tried: this one's, or all of :func:`place_and_route`'s.
    dsp_timing : dict
        :func:`dsp_registers` of the netlist, and whether Fmax is only an upper bound
        (``fmax_is_upper_bound``: some DSP is not fully registered, so nextpnr did not
        time the multiplier); ``pseudo_clock_paths_ns``: nextpnr's longest paths into
        (``into_dsps``), out of (``out_of_dsps``) and between (``between_dsps``) the
        unregistered DSPs, which nextpnr times apart from the clock.
    """

    def __init__(self, design, stat, log, report, target_mhz, dsps=None, seed=1):
        module = stat["modules"].get("\\neurorice_harness") or next(iter(stat["modules"].values()))
        self.cells = {name.lstrip("\\"): n for name, n in module["num_cells_by_type"].items()
                      if name != "$scopeinfo"}
        self.flops = sum(n for name, n in self.cells.items()
                         if name.startswith("SB_DFF")) - harness_flops(design)
        self.harness_flops = harness_flops(design)
        self.target_mhz = target_mhz
        self.utilisation = {}
        for name, used, available in re.findall(r"Info:\s+(\w+):\s+(\d+)/\s*(\d+)", log):
            self.utilisation[name] = (int(used), int(available))
        self.error = None
        errors = [error for error in re.findall(r"^ERROR: (.*)$", log, flags=re.MULTILINE)
                  if not error.startswith("Max frequency")]
        self.fmax_mhz = None
        self.critical_path = []
        dsps = dsps or {"registered": 0, "partly_registered": 0, "combinational": 0,
                        "cells": {}}
        self.dsp_timing = {**dsps, "fmax_is_upper_bound":
                           dsps["partly_registered"] + dsps["combinational"] > 0,
                           "pseudo_clock_paths_ns": {}}
        if report is not None:
            clocks = {name: value for name, value in report["fmax"].items()
                      if "clk" in name and not _is_pseudo_clock(name)}
            if clocks:
                self.fmax_mhz = min(value["achieved"] for value in clocks.values())
            for path in report.get("critical_paths", []):
                start, end = path.get("from", ""), path.get("to", "")
                pseudo = _is_pseudo_clock(start), _is_pseudo_clock(end)
                if "clk" in start and "clk" in end and not any(pseudo):
                    self.critical_path = _path_cells(path)
                elif any(pseudo):
                    kind = {(False, True): "into_dsps", (True, False): "out_of_dsps",
                            (True, True): "between_dsps"}[pseudo]
                    delay = sum(step.get("delay", 0) for step in path.get("path", []))
                    self.dsp_timing["pseudo_clock_paths_ns"][kind] = round(delay, 3)
            for name, value in report["utilization"].items():
                self.utilisation[name] = (value["used"], value["available"])
        self.routed = report is not None and not errors
        self.seed = seed
        self.fmax_by_seed = {seed: self.fmax_mhz}
        if not self.routed:
            self.error = errors[0] if errors else "nextpnr failed"

    @property
    def meets_target(self):
        return self.routed and self.fmax_mhz is not None and self.fmax_mhz >= self.target_mhz

    def summary(self):
        """The figures as a JSON-ready dict."""
        names = {"ICESTORM_LC": "logic_cells", "ICESTORM_RAM": "ebr",
                 "ICESTORM_SPRAM": "spram", "ICESTORM_DSP": "dsp"}
        return {
            "part": PART, "routed": self.routed, "error": self.error,
            "fmax_mhz": self.fmax_mhz, "target_mhz": self.target_mhz,
            "meets_target": self.meets_target,
            "seed": self.seed, "fmax_by_seed_mhz": self.fmax_by_seed,
            **{names[k]: {"used": u, "available": a} for k, (u, a) in self.utilisation.items()
               if k in names},
            "encoder_flip_flops": self.flops, "harness_flip_flops": self.harness_flops,
            "cells_by_type": dict(sorted(self.cells.items())),
            "critical_path": self.critical_path,
            "dsp_timing": self.dsp_timing,
        }


def _path_cells(path):
    cells = []
    for step in path.get("path", []):
        for end in ("from", "to"):
            cell = step.get(end, {}).get("cell")
            if cell and (not cells or cells[-1] != cell):
                cells.append(cell)
    return cells


#: Placement seeds tried by default: nextpnr's placement is randomised, and a design's Fmax
#: varies by several per cent from seed to seed.
SEEDS = 4

#: Seconds a seed's place and route may take (a few minutes at most here; now and then a
#: seed's run goes on for far longer, and counts as failed).
SEED_TIMEOUT = 900


def place_and_route(design, target_mhz, seeds=SEEDS):
    """Synthesise ``design``'s iCE40 variant and place and route it on a UP5K, with placement
    seeds ``1..seeds`` (run in parallel); the result of the seed with the highest Fmax,
    with every seed's Fmax in ``fmax_by_seed``."""
    if seeds < 1:
        raise ValueError(f"at least one placement seed, not {seeds}")
    synth = run_tool("yosys", ["-q", "-p", SYNTH],
                     {"design.v": design.verilog(ice40=True).encode(),
                      "harness.v": harness(design).encode()},
                     ["design.json", "stat.json"])
    if synth["returncode"] != 0:
        raise RuntimeError(f"yosys synth_ice40 failed:\n{synth['log'][-3000:]}")
    stat_text = synth["files"]["stat.json"].decode()
    stat = json.loads(stat_text[stat_text.index("{"):])
    dsps = dsp_registers(synth["files"]["design.json"])

    def attempt(seed):
        try:
            pnr = run_tool("nextpnr-ice40",
                           ["--up5k", "--package", PART["package"], "--json", "design.json",
                            "--freq", f"{target_mhz:g}", "--seed", str(seed),
                            "--pcf-allow-unconstrained", "--report", "report.json"],
                           {"design.json": synth["files"]["design.json"]}, ["report.json"],
                           timeout=SEED_TIMEOUT)
        except ToolError as error:
            pnr = {"log": f"ERROR: {error}", "files": {}, "cached": False}
        report = None
        # a design that routes but misses the target clock still has its report (and exit 1)
        if "report.json" in pnr["files"]:
            report = json.loads(pnr["files"]["report.json"])
        result = PlaceAndRoute(design, stat, pnr["log"], report, target_mhz, dsps, seed)
        result.cached = synth["cached"] and pnr["cached"]
        return result

    with ThreadPoolExecutor(max_workers=min(seeds, os.cpu_count() or 1)) as pool:
        results = list(pool.map(attempt, range(1, seeds + 1)))
    best = max(results, key=lambda r: (r.routed, r.fmax_mhz or 0))
    best.fmax_by_seed = {r.seed: r.fmax_mhz for r in results}
    best.cached = all(r.cached for r in results)
    return best
