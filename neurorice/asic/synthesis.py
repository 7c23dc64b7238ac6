"""Synthesis onto a standard-cell library: Yosys maps the encoder's Verilog to the
library's flip-flops (``dfflibmap``), then its logic to the library's cells with a delay
target (ABC with the library's timing), buffering and resizing so that no net breaks the
library's limits (ABC's ``buffer``, ``upsize``, ``dnsize``, as the ``-constr`` flow runs
them). The channels' state memories stay memories (their pricing is
:mod:`neurorice.asic.memory`'s); the netlist simulates them as arrays.

Three steps: Yosys to its fine-grained cells; in Python, the clock gates of the low-power
variant (:mod:`neurorice.asic.clockgating`); Yosys onto the library; in Python, fanout
buffering (:mod:`neurorice.asic.buffering`); Yosys writes the figures and netlists.

Cells a synthesis flow keeps for other jobs are not used for logic: clock buffers and
inverters and clock gates (the clock tree's), delay cells, tri-state, probe, tap, fill,
decap and diode cells, and the low-leakage ``lpflow`` family (OpenLane excludes the same).
"""

import json
import re

from neurorice.hardware.tools import ToolError, run_tool, top_module

from .buffering import buffer_fanout
from ..hardware.targets import SKY130_HD
from .clockgating import gate_clocks
from .latchbank import replace_memories
from .memory import ROWS_PER_BANK

__all__ = ["DONT_USE", "AsicSynthesis", "rewritten", "synthesise"]

#: Library cells the mapping leaves alone (globs on the cell name).
DONT_USE = ("*__clkbuf_*", "*__clkinv*", "*__clkdlybuf*", "*__dlclkp*", "*__sdlclkp*",
            "*__dlygate*", "*__dlymetal*", "*__probe*", "*__lpflow*", "*__ebuf*", "*__einv*",
            "*__tap*", "*__fill*", "*__decap*", "*__diode*", "*__conb*", "*__macro*",
            "*__sdf*", "*__sedf*", "*__dfbbn*", "*__dfbbp*", "*__dlx*", "*__dlrt*",
            "*__dlrb*", "*__dfsbp*", "*__dfstp*", "*__dfxbp*", "*__dfrbp*")

#: ABC's view of the ports: a minimum inverter drives each input, each output drives 5 fF.
CONSTRAINTS = f"set_driving_cell {SKY130_HD.inverter}\nset_load 5.0\n"

#: To Yosys's fine-grained cells, the flip-flops legalised to those the library has (or
#: can gate): a plain, enabled, reset or set positive-edge flip-flop.
FINE = (
    "read_verilog -sv design.v; "
    "synth -flatten -top {top} -run begin:fine; "
    "{memory_map}opt -full; techmap; opt -fast; "
    "dfflegalize -cell $_DFF_P_ 01 -cell $_DFF_PN0_ 01 -cell $_DFF_PN1_ 01 "
    "-cell $_DFFE_PP_ 01 -cell $_DFFE_PN0P_ 01 -cell $_DFFE_PN1P_ 01; "
    "write_json fine.json"
)

#: Then (clock gates inserted, or not) onto the library's cells.
MAP = (
    "read_liberty -lib cells.lib; read_json fine.json; hierarchy -top {top}; "
    "dfflibmap -liberty cells.lib {dont_use}; opt_clean; "
    "abc -liberty cells.lib -constr constr.txt -D {delay_ps} {dont_use}; "
    "opt_clean; setundef -zero; "
    f"hilomap -singleton -hicell {SKY130_HD.tie} HI -locell {SKY130_HD.tie} LO; "
    "splitnets; opt_clean -purge; write_json mapped.json"
)

#: After buffering (:mod:`neurorice.asic.buffering`): the figures and the netlists.
WRITE = (
    "read_liberty -lib cells.lib; read_json buffered.json; hierarchy -top {top}; "
    "rename -enumerate; "
    "tee -q -o stat.json stat -json -liberty cells.lib; "
    "write_verilog -noattr -noexpr -nohex -nodec netlist.v; write_json netlist.json; "
    # for static timing, a structural netlist: the memories' ports become the top's ports
    "select -set rd t:$mem_v2 %x:+[RD_DATA] t:$mem_v2 %d; "
    "select -set wr t:$mem_v2 %x:+[WR_DATA,WR_ADDR,WR_EN,RD_ADDR,RD_EN] t:$mem_v2 %d; "
    "expose -input @rd; expose @wr; delete t:$mem_v2; opt_clean; "
    "write_verilog -noattr -noexpr -nohex -nodec sta.v"
)


class AsicSynthesis:
    """The mapped netlist of a design and its figures.

    Attributes
    ----------
    top : str
    cells : dict of str to int
        Library cells by name (memories are ``$mem_v2``).
    area_um2 : float
        Cell area from the library (memories not included).
    flops : int
    memories : list of dict
        ``{"name", "width", "depth", "bits"}``.
    netlist_verilog, netlist_json : str
    sta_verilog : str
        The netlist for static timing: structural, each memory's ports made ports of the
        top (read data in, the rest out), so that timing stops at the memory.
    cached : bool
    """

    def __init__(self, top, library, stat_json, netlist_json, netlist_verilog, cached):
        self.top = top
        self.netlist_json = netlist_json
        self.netlist_verilog = netlist_verilog
        self.cached = cached
        module = top_module(json.loads(netlist_json), top)
        self.module = module
        self.cells, self.memories = {}, []
        for name, cell in module["cells"].items():
            kind = cell["type"]
            self.cells[kind] = self.cells.get(kind, 0) + 1
            if kind == "$mem_v2":
                width = int(cell["parameters"]["WIDTH"], 2)
                depth = int(cell["parameters"]["SIZE"], 2)
                ports = int(cell["parameters"]["RD_PORTS"], 2)
                clocked = int(cell["parameters"]["RD_CLK_ENABLE"], 2) if ports else 0
                self.memories.append({"name": name, "width": width, "depth": depth,
                                      "bits": width * depth, "registered_read": clocked != 0})
        unknown = sorted(k for k in self.cells if k not in library.cells and k != "$mem_v2")
        if unknown:
            raise ToolError(f"synthesis left cells that are not in the library: {unknown}")
        self.area_um2 = sum(library.cells[k].area * n for k, n in self.cells.items()
                            if k in library.cells)
        self.flops = sum(n for k, n in self.cells.items()
                         if k in library.cells and library.cells[k].sequential)

    @property
    def memory_bits(self):
        return sum(m["bits"] for m in self.memories)

    def kinds(self, library):
        """Cells by kind: flip-flops, latches, clock gates, buffers and inverters, logic."""
        kinds = {}
        for name, n in self.cells.items():
            kind = _kind(name, library)
            kinds[kind] = kinds.get(kind, 0) + n
        return kinds

    def summary(self, library):
        return {"cells": dict(sorted(self.cells.items())), "cell_count": sum(
            n for k, n in self.cells.items() if k != "$mem_v2"),
            "kinds": self.kinds(library), "flip_flops": self.flops,
            "area_um2": self.area_um2, "memories": self.memories,
            "memory_bits": self.memory_bits}


def _kind(name, library):
    if name == "$mem_v2":
        return "memory"
    cell = library.cells[name]
    if cell.clock_gate:
        return "clock gates"
    if cell.sequential:
        return "latches" if "__dl" in name else "flip-flops"
    if re.search(r"__(buf|inv|clkbuf|clkinv)_", name):
        return "buffers and inverters"
    return "logic"


def _untie_async_reads(module):
    """Give the asynchronous read ports of memories their constant controls back.

    ``hilomap`` ties every constant bit to a tie cell, a memory's ports' too; Yosys requires
    an asynchronous (latch-array) read port's enable to be the constant 1 and its clock and
    resets the constant 0.
    """
    for cell in module["cells"].values():
        if cell["type"] != "$mem_v2":
            continue
        ports = int(cell["parameters"]["RD_PORTS"], 2)
        clocked = int(cell["parameters"]["RD_CLK_ENABLE"], 2) if ports else 0
        connections = cell["connections"]
        for port in range(ports):
            if not clocked >> port & 1:
                connections["RD_EN"][port] = "1"
                for control in ("RD_CLK", "RD_ARST", "RD_SRST"):
                    connections[control][port] = "0"


def synthesise(verilog, top, library, clock_mhz, *, clock_gating=False, memory_flops=False,
               memory_latches=False, rows_per_bank=ROWS_PER_BANK):
    """Map ``verilog`` (module ``top``) onto ``library`` (a :class:`~neurorice.asic.liberty.
    Library`) for a ``clock_mhz`` clock, gate the enabled flip-flops' clocks (with
    ``clock_gating``, :mod:`neurorice.asic.clockgating`), and buffer its high-fanout nets;
    an :class:`AsicSynthesis`. With ``memory_flops`` the memories become arrays of
    flip-flops (a row's on its write enable, so gated a row with ``clock_gating``) and
    read multiplexers, cells like the rest, rather than memories priced by a model. With
    ``memory_latches`` they become the banked latch arrays the model prices, of
    ``rows_per_bank`` rows a bank (:mod:`neurorice.asic.latchbank`), their registered read
    ports' registers left as the design's flip-flops; ``latch_arrays`` lists them."""
    if memory_flops and memory_latches:
        raise ValueError("the memories are flip-flops or latches, not both")
    dont_use = " ".join(f"-dont_use {glob}" for glob in DONT_USE)
    delay_ps = int(1e6 / clock_mhz)
    cells = library.path.read_bytes()
    memory_map = ("memory_map; " if memory_flops else
                  "memory_nordff; " if memory_latches else "")
    fine_script = FINE.format(top=top, memory_map=memory_map)
    result = run_tool("yosys", ["-q", "-p", fine_script],
                      {"design.v": verilog.encode()}, ["fine.json"])
    if result["returncode"] != 0:
        raise ToolError(f"yosys failed to synthesise {top}", result["log"])
    fine = json.loads(result["files"]["fine.json"])
    fine_module = top_module(fine, top)
    gates = 0
    if clock_gating:
        gates = gate_clocks(fine_module, fine_module["netnames"]["clk"]["bits"][0])
    fine["modules"] = {name: m for name, m in fine["modules"].items() if m is fine_module}
    result = run_tool("yosys", ["-q", "-p", MAP.format(top=top, dont_use=dont_use,
                                                       delay_ps=delay_ps)],
                      {"fine.json": json.dumps(fine).encode(), "cells.lib": cells,
                       "constr.txt": CONSTRAINTS.encode()}, ["mapped.json"])
    if result["returncode"] != 0:
        raise ToolError(f"yosys failed to map {top} onto {library.name}", result["log"])
    netlist = json.loads(result["files"]["mapped.json"])
    netlist["modules"] = {name: m for name, m in netlist["modules"].items()
                          if name.lstrip("\\") == top}
    module = top_module(netlist, top)
    arrays = replace_memories(module, library, rows_per_bank) if memory_latches else []
    for cell in module["cells"].values():  # Yosys knows no library cell's port directions
        if cell["type"] in library.cells:
            pins = library.cells[cell["type"]].pins
            cell["port_directions"] = {port: pins[port].direction
                                       for port in cell["connections"] if port in pins}
    _untie_async_reads(module)
    clock = set(module["netnames"].get("clk", {"bits": []})["bits"])
    gated = {c["connections"]["GCLK"][0] for c in module["cells"].values()
             if c["type"] in library.cells and library.cells[c["type"]].clock_gate}
    # the latch arrays' decoders and drivers drive their rows unbuffered, as priced
    unbuffered = {b for a in arrays for b in a["nets"]}
    buffers = buffer_fanout(module, clock | gated | unbuffered)
    synthesis = _write(netlist, top, library)
    synthesis.fanout_buffers = buffers
    synthesis.clock_gates = gates
    synthesis.latch_arrays = [{k: v for k, v in a.items() if k not in ("cells", "nets", "clock")}
                              | {"cells": len(a["cells"])} for a in arrays]
    synthesis.upsized = 0
    return synthesis


def _write(netlist, top, library):
    """Yosys writes the figures and the netlists of ``netlist`` (Yosys JSON of library
    cells); an :class:`AsicSynthesis`."""
    result = run_tool("yosys", ["-q", "-p", WRITE.format(top=top)],
                      {"buffered.json": json.dumps(netlist).encode(),
                       "cells.lib": library.path.read_bytes()},
                      ["stat.json", "netlist.v", "netlist.json", "sta.v"])
    if result["returncode"] != 0:
        raise ToolError(f"yosys failed to write {top}'s netlist", result["log"])
    files = result["files"]
    stat = files["stat.json"].decode()
    synthesis = AsicSynthesis(top, library, json.loads(stat[stat.index("{"):]),
                              files["netlist.json"].decode(), files["netlist.v"].decode(),
                              result["cached"])
    synthesis.sta_verilog = files["sta.v"].decode()
    return synthesis


def rewritten(synthesis, library, module, upsized):
    """``synthesis`` with its top module replaced by ``module`` (the same nets, cells
    resized by :func:`~neurorice.asic.repair.upsize`), its figures and netlists written
    again; ``upsized`` cells more are counted as resized."""
    netlist = json.loads(synthesis.netlist_json)
    netlist["modules"] = {name: module for name in netlist["modules"]
                          if name.lstrip("\\") == synthesis.top}
    repaired = _write(netlist, synthesis.top, library)
    repaired.fanout_buffers = synthesis.fanout_buffers
    repaired.clock_gates = synthesis.clock_gates
    repaired.latch_arrays = synthesis.latch_arrays
    repaired.upsized = synthesis.upsized + upsized
    return repaired
