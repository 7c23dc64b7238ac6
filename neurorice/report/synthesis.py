"""Generic Yosys synthesis: cells by type, flip-flops and memory bits, and a gate netlist.

The encoder is flattened and mapped to Yosys's internal one-bit gates (``$_AND_``,
``$_MUX_``, ``$_DFF_P_``, ...) by ABC, with the channels' state memories kept as memories,
as a technology flow would map them onto RAM macros. The same netlist, written as Verilog,
is what :mod:`neurorice.report.power` simulates.
"""

import json
import re

from ..hardware.tools import ToolError, run_tool, top_module

__all__ = ["Synthesis", "synthesise"]

SCRIPT = (
    "read_verilog -sv design.v; "
    "synth -flatten -top {top} -run begin:fine; "
    "opt -full; techmap; opt -fast; abc; opt_clean; rename -enumerate; "
    "tee -q -o stat.json stat -json; "
    "write_verilog -noattr netlist.v; write_json netlist.json"
)

_FLOP = re.compile(r"^\$_(S?DFFE?|ALDFFE?|DFFSRE?|SDFFCE)_\w+$")


class Synthesis:
    """What generic synthesis made of a design.

    Attributes
    ----------
    top : str
    cells : dict of str to int
        Cells by type; a memory is one ``$mem_v2`` cell.
    flops : int
        One-bit flip-flops.
    gates : int
        Other one-bit cells (logic gates).
    memories : list of dict
        ``{"name", "width", "depth", "bits"}`` of each memory.
    netlist_verilog, netlist_json : str
        The mapped netlist.
    cached : bool
        The result came from the cache.
    """

    def __init__(self, top, stat, netlist_json, netlist_verilog, cached):
        self.top = top
        module = stat["modules"].get("\\" + top) or next(iter(stat["modules"].values()))
        self.cells = {name.lstrip("\\"): count
                      for name, count in module["num_cells_by_type"].items()}
        self.cells.pop("$scopeinfo", None)
        self.flops = sum(n for name, n in self.cells.items() if _FLOP.match(name))
        self.gates = sum(n for name, n in self.cells.items()
                         if name.startswith("$_") and not _FLOP.match(name))
        self.netlist_json = netlist_json
        self.netlist_verilog = netlist_verilog
        self.memories = []
        for name, cell in top_module(json.loads(netlist_json), top)["cells"].items():
            if cell["type"] == "$mem_v2":
                width = int(cell["parameters"]["WIDTH"], 2)
                depth = int(cell["parameters"]["SIZE"], 2)
                self.memories.append({"name": name, "width": width, "depth": depth,
                                      "bits": width * depth})
        self.cached = cached

    @property
    def memory_bits(self):
        return sum(memory["bits"] for memory in self.memories)

    def summary(self):
        """The figures as a JSON-ready dict."""
        return {"cells_by_type": dict(sorted(self.cells.items())), "flip_flops": self.flops,
                "gates": self.gates, "memories": self.memories,
                "memory_bits": self.memory_bits}


def synthesise(design):
    """Synthesise the generic variant of ``design``; a :class:`Synthesis`."""
    top = design.top()
    result = run_tool("yosys", ["-q", "-p", SCRIPT.format(top=top)],
                      {"design.v": design.verilog().encode()},
                      ["stat.json", "netlist.v", "netlist.json"])
    if result["returncode"] != 0:
        raise ToolError(f"yosys failed on {top}", result["log"])
    files = result["files"]
    stat_text = files["stat.json"].decode()
    stat = json.loads(stat_text[stat_text.index("{"):])
    return Synthesis(top, stat, files["netlist.json"].decode(), files["netlist.v"].decode(),
                     result["cached"])
