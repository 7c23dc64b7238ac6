"""Static timing and OpenSTA's own power figure on the mapped netlist (OpenSTA, the
Debian package ``opensta``, binary ``sta``).

The clock is ``clk`` at the target period; inputs arrive and outputs leave at the clock
edge (zero input and output delay), inputs driven by the library's ``inv_2`` and outputs
loading 5 fF, as ABC was told. The memories' ports are the netlist's ports here (see
:mod:`neurorice.asic.synthesis`), so a path into or out of a memory is timed up to its
port, without the memory's own access time. OpenSTA 2.0.17 (Debian's 0~20191111) has
``report_power`` with ``set_power_activity`` but reads no VCD or SAIF: its power is
figured from one average activity, given here as the gate-level run's mean toggles a net a
cycle.
"""

import re
import shutil
import subprocess
import tempfile
import pathlib

from ..hardware.targets import SKY130_HD

__all__ = ["analyse"]

SCRIPT = """
read_liberty cells.lib
read_verilog netlist.v
link_design {top}
create_clock -name clk -period {period} [get_ports clk]
set inputs [delete_from_list [all_inputs] [get_ports clk]]
set_input_delay 0 -clock clk $inputs
set_output_delay 0 -clock clk [all_outputs]
set_driving_cell -lib_cell {inverter} -pin Y $inputs
set_load 0.005 [all_outputs]
{net_loads}puts "== checks"
report_checks -path_delay max -digits 3 -fields {{fanout cap slew}}
puts "== slack"
report_worst_slack -digits 4
puts "== violations"
report_check_types -max_transition -all_violators
puts "== power"
create_clock -name clk -period {power_period} [get_ports clk]
set_power_activity -global -activity {activity} -duty 0.5
set_power_activity -input -activity {activity} -duty 0.5
report_power -digits 6
puts "== end"
"""


def _section(text, name):
    match = re.search(rf"^== {name}\n(.*?)(?=^== )", text, re.S | re.M)
    return match[1] if match else ""


def analyse(synthesis, library, clock_mhz, activity, power_clock_mhz=None, net_loads=None):
    """Timing of ``synthesis`` at ``clock_mhz``, and OpenSTA's power at ``power_clock_mhz``
    (the clock it runs at; default ``clock_mhz``), every net toggling ``activity`` times a
    cycle on average; a dict. ``net_loads`` ``{(driving cell, its pin): pF}``: each such
    net's wire (from a placement) as OpenSTA's ``set_load`` on the net, else the library's
    wire-load model."""
    power_period = 1e3 / (power_clock_mhz or clock_mhz)
    sta = shutil.which("sta")
    if sta is None:
        raise RuntimeError("OpenSTA (sta) is not installed: apt-get install opensta, "
                           "or run tools/install-system-deps.sh")
    period = 1e3 / clock_mhz
    with tempfile.TemporaryDirectory(prefix="neurorice-sta-") as work:
        work = pathlib.Path(work)
        (work / "cells.lib").symlink_to(library.path.resolve())
        (work / "netlist.v").write_text(synthesis.sta_verilog)
        (work / "run.tcl").write_text(SCRIPT.format(top=synthesis.top, period=f"{period:.4f}",
                                                    power_period=f"{power_period:.4f}",
                                                    activity=f"{activity:.6f}",
                                                    net_loads=_net_loads(net_loads),
                                                    inverter=SKY130_HD.inverter))
        done = subprocess.run([sta, "-no_splash", "-exit", "run.tcl"], cwd=work,
                              capture_output=True, text=True, timeout=3600, check=False)
    log = done.stdout + done.stderr
    if done.returncode != 0 or "== end" not in log:
        raise RuntimeError(f"OpenSTA failed on {synthesis.top}: {log[-2000:]}")
    slack = float(_section(log, "slack").split()[-1])
    checks = _section(log, "checks")
    violations = _section(log, "violations")
    violated = re.compile(r"^\S+\s+[-\d.]+\s+[-\d.]+\s+-[\d.]+ \(VIOLATED\)", re.M)
    counts = {kind: len(violated.findall(block))
              for kind, block in _violation_blocks(violations).items()}
    power = _power(_section(log, "power"))
    return {"clock_mhz": clock_mhz, "period_ns": period, "worst_slack_ns": slack,
            "met": slack >= 0, "critical_path": _path(checks), "report_checks": checks,
            "violations": counts, "violation_report": violations.strip(),
            "opensta_activity": activity, "opensta_power": power,
            "opensta_power_clock_mhz": power_clock_mhz or clock_mhz}


def _net_loads(loads):
    """``set_load`` lines for ``{(cell, pin): pF}``, each net named by its driver's pin."""
    if not loads:
        return ""
    return "".join(f"set_load {pf:.6f} [get_nets -of_objects [get_pins {{{cell}/{pin}}}]]\n"
                   for (cell, pin), pf in sorted(loads.items()) if pf > 0)


def _violation_blocks(text):
    blocks, current = {}, None
    for line in text.splitlines():
        for kind in ("max_transition", "max_capacitance", "max_fanout"):
            if line.strip().lower().startswith(kind.replace("_", " ")) or kind in line.lower():
                current = kind
                blocks.setdefault(kind, "")
        if current:
            blocks[current] += line + "\n"
    return blocks


def _path(checks):
    """Startpoint, endpoint and the data arrival time of the worst path of the clock."""
    group = checks.find("Path Group: clk")
    if group >= 0:
        checks = checks[max(0, checks.rfind("Startpoint", 0, group)):]
    start = re.search(r"Startpoint: (\S+)", checks)
    end = re.search(r"Endpoint: (\S+)", checks)
    arrival = re.search(r"([\d.]+)\s+data arrival time", checks)
    cells = len(re.findall(rf"\(({SKY130_HD.name}__\w+)\)", checks))
    return {"from": start[1] if start else None, "to": end[1] if end else None,
            "arrival_ns": float(arrival[1]) if arrival else None, "cells": cells}


def _power(text):
    """``report_power``'s groups: ``{group: {internal, switching, leakage, total}}`` in W."""
    groups = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[0] in ("Sequential", "Combinational", "Macro", "Pad",
                                             "Total"):
            try:
                values = [float(x) for x in parts[1:5]]
            except ValueError:
                continue
            groups[parts[0].lower()] = dict(zip(("internal", "switching", "leakage", "total"),
                                                values))
    return groups
