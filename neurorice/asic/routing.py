"""Routing a placed netlist with qrouter (the qflow flow's detail router, Debian package
``qrouter``) to measure how much longer routed nets are than the spanning trees that
:mod:`neurorice.asic.wires` prices.

The placement (:mod:`neurorice.asic.placement`) is written as DEF (components at their
places and orientations, the ports as pins on the die's edge, every signal net but the
clock's root, which its tree takes); qrouter routes it on SKY130's five metal layers from
the technology LEF; the routed DEF's wires give each routed net's length (each segment's
Manhattan length, vias not counted). Nets qrouter fails to route are left out of the
ratio.
"""

import pathlib
import re
import shutil
import subprocess
import tempfile
import time

from neurorice.hardware.tools import ToolError

from .wires import net_length

__all__ = ["def_file", "route", "routed_lengths"]

_ORIENT = {0: "N", 1: "FS", 2: "FN", 3: "S"}
#: DEF database units a micrometre.
DBU = 1000
#: The standard cells' site (µm), and each routing layer's track offset and pitch (µm).
SITE = (0.46, 2.72)
TRACKS = {"li1": (0.23, 0.46, "X"), "met1": (0.17, 0.34, "Y"), "met2": (0.23, 0.46, "X"),
          "met3": (0.34, 0.68, "Y"), "met4": (0.46, 0.92, "X"), "met5": (1.70, 3.40, "Y")}
#: qrouter's configuration: the technology and the cells, the layers it routes on (li1
#: and the first metals, from the technology LEF).
CONFIG = """lef {tech}
lef {cells}
num_layers {layers}
"""
#: Debian's ``qrouter`` starts Tk; its batch binary does not.
BATCH = "/usr/lib/qrouter/qrouternullg"


def def_file(module, placement, skip=(), window=None):
    """DEF text of ``module``'s cells at ``placement``'s places, its nets (but those in
    ``skip``), and its ports as pins; ``(text, {net name: bit})``. With ``window``
    ``(x0, y0, x1, y1)`` µm, only the cells inside it and the nets all of whose pins are
    theirs: a part of the design, routed as it lies among its neighbours."""
    if window is not None:
        wx0, wy0, wx1, wy1 = window
        inside = {name for name, (cx0, cy0, cx1, cy1, _) in placement.cells.items()
                  if wx0 <= cx0 and cx1 <= wx1 and wy0 <= cy0 and cy1 <= wy1}
        kept = {bit for bit, pins in placement.pins.items()
                if all(wx0 <= x <= wx1 and wy0 <= y <= wy1 for x, y, _ in pins)}
        skip = set(skip) | (set(placement.pins) - kept)
        placement = _Part(placement, inside)
    x0, y0, x1, y1 = placement.die
    pads = [(x, y) for bit, pins in placement.pins.items() if bit not in skip
            for x, y, _ in pins]
    # the die's origin on the sites' grid, a few rows and sites out from the cells
    lx = x0 - SITE[0] * (8 + int((x0 - min([x0] + [x for x, _ in pads])) / SITE[0]))
    ly = y0 - SITE[1] * (2 + int((y0 - min([y0] + [y for _, y in pads])) / SITE[1]))
    hx = max([x1] + [x for x, _ in pads]) + 4.0
    hy = max([y1] + [y for _, y in pads]) + 4.0

    def at(x, y, snap=False):
        if snap:  # a cell's corner on the sites' grid, as a legaliser puts it
            x = lx + round((x - lx) / SITE[0]) * SITE[0]
            y = ly + round((y - ly) / SITE[1]) * SITE[1]
        return f"( {round((x - lx) * DBU)} {round((y - ly) * DBU)} )"

    names, components = {}, []
    for k, (name, (cx0, cy0, _, _, orientation)) in enumerate(sorted(placement.cells.items())):
        names[name] = f"u{k}"
        components.append(f"- u{k} {module['cells'][name]['type']} + PLACED "
                          f"{at(cx0, cy0, True)} {_ORIENT.get(orientation, 'N')} ;")
    nets = {}
    for name, cell in module["cells"].items():
        if name not in names:
            continue
        for port, bits in cell["connections"].items():
            bit = bits[0]
            if isinstance(bit, int) and bit not in skip:
                nets.setdefault(bit, []).append(f"( {names[name]} {port} )")
    pins = []
    for port, info in sorted(module["ports"].items()):
        for k, bit in enumerate(info["bits"]):
            if not isinstance(bit, int) or bit in skip or bit not in nets:
                continue
            pad = [(x, y) for x, y, driver in placement.pins[bit]
                   if driver == (info["direction"] == "input")]
            if not pad:
                continue
            pin = f"p_{port}_{k}".replace("\\", "").replace("$", "_").replace(".", "_")
            direction = "INPUT" if info["direction"] == "input" else "OUTPUT"
            pins.append(f"- {pin} + NET n{bit} + DIRECTION {direction} + USE SIGNAL "
                        f"+ LAYER met2 ( -70 -70 ) ( 70 70 ) + PLACED {at(*pad[0])} N ;")
            nets[bit].append(f"( PIN {pin} )")
    routed = {f"n{bit}": bit for bit, ends in nets.items() if len(ends) > 1}
    text = ["VERSION 5.7 ;", 'DIVIDERCHAR "/" ;', 'BUSBITCHARS "[]" ;', "DESIGN placed ;",
            f"UNITS DISTANCE MICRONS {DBU} ;",
            f"DIEAREA ( 0 0 ) ( {round((hx - lx) * DBU)} {round((hy - ly) * DBU)} ) ;",
            *_tracks(hx - lx, hy - ly),
            f"COMPONENTS {len(components)} ;", *components, "END COMPONENTS",
            f"PINS {len(pins)} ;", *pins, "END PINS",
            f"NETS {len(routed)} ;"]
    for name, bit in routed.items():
        # qrouter's writer needs the net's name alone on its line
        text += [f"- {name}", "  " + " ".join(nets[bit]), ";"]
    text += ["END NETS", "END DESIGN", ""]
    return "\n".join(text), routed


def _tracks(width, height):
    """DEF ``TRACKS`` of every routing layer on SKY130's pitches (its tech LEF's,
    offset half a pitch) in its preferred direction, over ``width`` x ``height`` µm."""
    lines = []
    for layer, (offset, pitch, axis) in TRACKS.items():
        span = width if axis == "X" else height
        count = int((span - offset) / pitch) + 1
        lines.append(f"TRACKS {axis} {round(offset * DBU)} DO {count} STEP "
                     f"{round(pitch * DBU)} LAYER {layer} ;")
    return lines


class _Part:
    """A placement's cells restricted to ``names``, its die theirs."""

    def __init__(self, placement, names):
        self.cells = {n: placement.cells[n] for n in names}
        self.pins = placement.pins
        self.die = (min(c[0] for c in self.cells.values()), min(c[1] for c in self.cells.values()),
                    max(c[2] for c in self.cells.values()), max(c[3] for c in self.cells.values()))


_POINT = re.compile(r"\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)")


def routed_lengths(text):
    """``{net name: routed length µm}`` from a routed DEF's ``NETS`` section: each
    ``ROUTED``/``NEW`` path's consecutive points (``*`` repeats a coordinate)."""
    lengths = {}
    start = re.search(r"^NETS\b", text, re.M)
    if start is None:
        return lengths
    section = text[start.start():text.find("END NETS", start.start())]
    for entry in section.split(";"):
        entry = entry.strip()
        if not entry.startswith("-"):
            continue
        name = entry.split()[1]
        total = 0.0
        for path in re.split(r"\+ ROUTED|\bNEW\b", entry)[1:]:
            last = None
            for x, y in _POINT.findall(path):
                if x == "*" and last is None or y == "*" and last is None:
                    continue
                px = last[0] if x == "*" else float(x)
                py = last[1] if y == "*" else float(y)
                if last is not None:
                    total += abs(px - last[0]) + abs(py - last[1])
                last = (px, py)
        if total:
            lengths[name] = total / DBU
    return lengths


def route(module, placement, tech_lef, cells_lef, *, skip=(), layers=5, effort=10,
          timeout=1800, window=None):
    """Route ``placement`` with qrouter; ``{"nets", "routed", "failed", "routed_um",
    "tree_um", "factor", "seconds"}``: the routed nets' length over their spanning trees'
    (the factor :mod:`neurorice.asic.wires` applies)."""
    qrouter = shutil.which("qrouter")
    if qrouter is None:
        raise ToolError("qrouter is not installed: apt-get install qrouter")
    text, nets = def_file(module, placement, skip, window)
    with tempfile.TemporaryDirectory(prefix="neurorice-route-") as work:
        work = pathlib.Path(work)
        (work / "design.def").write_text(text)
        (work / "route.cfg").write_text(CONFIG.format(
            tech=pathlib.Path(tech_lef).resolve(), cells=pathlib.Path(cells_lef).resolve(),
            layers=layers))
        binary = BATCH if pathlib.Path(BATCH).is_file() else qrouter
        start = time.monotonic()
        try:
            done = subprocess.run([binary, "-c", "route.cfg", "-p", "VPWR", "-g", "VGND",
                                   "-e", str(effort), "-v", "1", "design"], cwd=work,
                                  capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired as error:
            raise ToolError(f"qrouter took longer than {timeout} s") from error
        seconds = time.monotonic() - start
        out = work / "design_route.def"
        if not out.is_file():
            raise ToolError("qrouter wrote no routed DEF", (done.stdout + done.stderr)[-3000:])
        lengths = routed_lengths(out.read_text())
        log = done.stdout + done.stderr
        failures = work / "fail.out"
        failed = set(failures.read_text().split()[5:]) if failures.is_file() else set()
        for name in failed:  # partly routed: not a measure of a whole net
            lengths.pop(name, None)
    routed_um = tree_um = 0.0
    for name, length in lengths.items():
        bit = nets.get(name)
        if bit is None:
            continue
        routed_um += length
        tree_um += net_length([(x, y) for x, y, _ in placement.pins[bit]])
    return {"nets": len(nets), "routed": len(lengths), "failed": len(failed),
            "routed_um": routed_um, "tree_um": tree_um,
            "factor": routed_um / tree_um if tree_um else None, "seconds": seconds,
            "log": log[-3000:]}
