"""Placement of a mapped netlist with GrayWolf (TimberWolfSC, the qflow flow's placer;
Debian package ``graywolf``), and the pins' places it gives.

The netlist (:class:`~neurorice.asic.synthesis.AsicSynthesis`) goes to GrayWolf as a
``.cel`` file: each library cell a cell of its LEF size (:mod:`neurorice.asic.lef`) with
its signal pins at their LEF places, each net bit a signal, each port of the top a pad on
the core's edge. Filler cells with no pins are added so that the cells take
:data:`UTILISATION` of the rows, as a flow leaves room for the router and the power grid;
GrayWolf spreads them with the rest. GrayWolf writes each cell's corners and orientation
(``.pl1``), and each pad's; a pin's place is its cell's corner plus its LEF offset,
mirrored as the orientation says.

Units: GrayWolf's are integers, here 0.01 µm (the LEF's 0.005 µm grid rounded; a pin is
off by at most 5 nm). A run is cached by the hash of its inputs (``build/report-cache``),
as the tool runs of :mod:`neurorice.hardware.tools` are.
"""

import hashlib
import json
import pathlib
import shutil
import subprocess
import tempfile

from neurorice.hardware.tools import CACHE, ToolError

from .lef import read_macros

__all__ = ["Placement", "UTILISATION", "place"]

#: The cells' share of the rows' area: the rest is filler, room for routing.
UTILISATION = 0.65
#: GrayWolf's units a micrometre.
SCALE = 100
#: A filler cell: 4 sites of 0.46 µm.
FILLER_WIDTH_UM = 1.84
#: GrayWolf's parameters: five metal layers, metal 1 horizontal (SKY130's tech LEF), pins
#: on the 0.46 µm site pitch, over-the-cell routing (no feedthroughs).
PARAMETERS = """RULES
    layer metal1 0.125 0.0258 horizontal
    layer metal2 0.125 0.0169 vertical
    layer metal3 0.047 0.0124 horizontal
    layer metal4 0.047 0.0084 vertical
    layer metal5 0.0285 0.0063 horizontal
    via via12 metal1 metal2
    via via23 metal2 metal3
    via via34 metal3 metal4
    via via45 metal4 metal5
    width metal1 14
    width metal2 14
    width metal3 30
    width metal4 30
    width metal5 160
    spacing metal1 metal1 20
    spacing metal2 metal2 32
    spacing metal3 metal3 38
    spacing metal4 metal4 62
    spacing metal5 metal5 180
ENDRULES

*vertical_wire_weight : 1.0
*vertical_path_weight : 1.0
*padspacing           : variable
*rowSep               : 0.0   0
*track.pitch          : 46
*graphics.wait        : off
*last_chance.wait     : off
*random.seed          : {seed}

TWMC*chip.aspect.ratio : 1.0

TWSC*feedThruWidth    : 46 layer 1
TWSC*do.global.route  : off
TWSC*ignore_feeds     : true
TWSC*call_row_evener  : true
TWSC*even_rows_maximally : true

GENR*row_to_tile_spacing: 1
GENR*flip_alternate_rows : 1
"""


class Placement:
    """Where GrayWolf put a netlist's cells.

    Attributes
    ----------
    cells : dict of str to tuple
        ``{cell name: (x0, y0, x1, y1, orientation)}``, µm.
    pins : dict of int to list of tuple
        ``{net bit: [(x, y, is_driver), ...]}``, µm: every pin of the net, ports' pads
        included.
    die : tuple
        ``(x0, y0, x1, y1)`` µm: the rows' extent.
    cell_area_um2, filler_area_um2 : float
    seconds : float
        GrayWolf's run time (of the run that filled the cache).
    """

    def __init__(self, cells, pins, die, cell_area_um2, filler_area_um2, seconds, rows):
        self.cells, self.pins, self.die = cells, pins, die
        self.cell_area_um2, self.filler_area_um2 = cell_area_um2, filler_area_um2
        self.seconds, self.rows = seconds, rows

    @property
    def die_area_um2(self):
        x0, y0, x1, y1 = self.die
        return (x1 - x0) * (y1 - y0)

    @property
    def utilisation(self):
        return self.cell_area_um2 / self.die_area_um2

    def summary(self):
        x0, y0, x1, y1 = self.die
        return {"die_um": [x1 - x0, y1 - y0], "die_area_um2": self.die_area_um2,
                "cell_area_um2": self.cell_area_um2, "utilisation": self.utilisation,
                "rows": self.rows, "graywolf_seconds": self.seconds}


def _net(bit):
    return f"n{bit}"


def cel_file(module, macros, utilisation=UTILISATION):
    """GrayWolf's ``.cel`` text for ``module`` (a Yosys JSON module of library cells),
    and ``(names, cell area µm², filler area µm²)``: ``names`` maps GrayWolf's cell
    names to the netlist's."""
    lines, names, area = [], {}, 0.0
    index = 0
    for name, cell in sorted(module["cells"].items()):
        if cell["type"] == "$mem_v2":
            continue  # a memory's array is priced by its floorplan (memory.py), not placed
        macro = macros.get(cell["type"])
        if macro is None:
            raise ToolError(f"placement: cell {cell['type']} is not in the LEF")
        index += 1
        wolf = f"c{index}"
        names[wolf] = name
        area += macro.width * macro.height
        half_w = round(macro.width * SCALE / 2)
        half_h = round(macro.height * SCALE / 2)
        lines.append(f"cell {index} {wolf}")
        lines.append(f"left {-half_w} right {half_w} bottom {-half_h} top {half_h}")
        for port, bits in sorted(cell["connections"].items()):
            bit = bits[0]
            if not isinstance(bit, int) or port not in macro.pins:
                continue
            x, y = macro.pins[port]
            lines.append(f"pin name {port} signal {_net(bit)} layer 1 "
                         f"{round(x * SCALE) - half_w} {round(y * SCALE) - half_h}")
    height = max(m.height for m in macros.values() if m.height < 3)  # a row's height
    filler = max(0.0, area / utilisation - area)
    fillers = int(filler // (FILLER_WIDTH_UM * height))
    for k in range(fillers):
        index += 1
        lines.append(f"cell {index} fill{k}")
        lines.append(f"left {-round(FILLER_WIDTH_UM * SCALE / 2)} "
                     f"right {round(FILLER_WIDTH_UM * SCALE / 2)} "
                     f"bottom {-round(height * SCALE / 2)} top {round(height * SCALE / 2)}")
    pad = 0
    for port, info in sorted(module["ports"].items()):
        for k, bit in enumerate(info["bits"]):
            if not isinstance(bit, int):
                continue
            pad += 1
            wolf = f"p{pad}"
            names[wolf] = (port, k)
            lines.append(f"pad {pad} name {wolf}")
            lines.append("corners 4 -23 -23 -23 23 23 23 23 -23")
            lines.append(f"pin name {wolf} signal {_net(bit)} layer 1 0 0")
    return "\n".join(lines) + "\n", names, area, fillers * FILLER_WIDTH_UM * height


def _orient(x, y, width, height, orientation):
    """A pin's offset (from the lower-left corner) in a cell placed with GrayWolf's
    ``orientation`` (0 as drawn, 1 flipped in y, 2 in x, 3 both; 4-7 turned, which
    standard cells in rows are not)."""
    if orientation in (1, 3):
        y = height - y
    if orientation in (2, 3):
        x = width - x
    return x, y


def read_pl1(text, module, macros, names):
    """Cells and pins from GrayWolf's ``.pl1`` ``text``: ``(cells, pins, die, rows)``."""
    cells, pads, rows = {}, {}, set()
    for line in text.splitlines():
        words = line.split()
        if len(words) < 7:
            continue
        wolf, (x0, y0, x1, y1, orientation, row) = words[0], map(int, words[1:7])
        box = (x0 / SCALE, y0 / SCALE, x1 / SCALE, y1 / SCALE, orientation)
        if wolf.startswith("p") and wolf in names:
            pads[names[wolf]] = box
        elif wolf in names:
            cells[names[wolf]] = box
            rows.add(row)
        elif wolf.startswith("fill"):
            rows.add(row)
    missing = [names[w] for w in names if not w.startswith("p") and names[w] not in cells]
    if missing:
        raise ToolError(f"placement: GrayWolf placed no {missing[0]} "
                        f"({len(missing)} cells missing)")
    pins = {}
    xs, ys = [], []
    for name, box in cells.items():
        cell = module["cells"][name]
        macro = macros[cell["type"]]
        x0, y0, x1, y1, orientation = box
        xs += [x0, x1]
        ys += [y0, y1]
        directions = cell.get("port_directions", {})
        for port, bits in cell["connections"].items():
            bit = bits[0]
            if not isinstance(bit, int) or port not in macro.pins:
                continue
            x, y = _orient(*macro.pins[port], macro.width, macro.height, orientation)
            pins.setdefault(bit, []).append((x0 + x, y0 + y,
                                             directions.get(port) == "output"))
    for (port, k), (x0, y0, x1, y1, _) in pads.items():
        bit = module["ports"][port]["bits"][k]
        driver = module["ports"][port]["direction"] == "input"
        pins.setdefault(bit, []).append(((x0 + x1) / 2, (y0 + y1) / 2, driver))
    die = (min(xs), min(ys), max(xs), max(ys))
    return cells, pins, die, len(rows)


def place(module, lef_path, *, utilisation=UTILISATION, seed=12345, cache=CACHE,
          timeout=3600):
    """Place ``module`` (a Yosys JSON module of library cells, the top) with GrayWolf, the
    cells' shapes from ``lef_path``; a :class:`Placement`."""
    macros = read_macros(pathlib.Path(lef_path).read_text())
    cel, names, area, filler = cel_file(module, macros, utilisation)
    par = PARAMETERS.format(seed=seed)
    graywolf = shutil.which("graywolf")
    if graywolf is None:
        raise ToolError("GrayWolf (graywolf) is not installed: apt-get install graywolf, "
                        "or run tools/install-system-deps.sh")
    key = hashlib.sha256(json.dumps(["graywolf", cel, par]).encode()).hexdigest()[:24]
    slot = None if cache is None else pathlib.Path(cache) / f"graywolf-{key}"
    if slot is not None and (slot / "design.pl1").is_file():
        pl1 = (slot / "design.pl1").read_text()
        seconds = json.loads((slot / "run.json").read_text())["seconds"]
    else:
        import time

        with tempfile.TemporaryDirectory(prefix="neurorice-place-") as work:
            work = pathlib.Path(work)
            (work / "design.cel").write_text(cel)
            (work / "design.par").write_text(par)
            start = time.monotonic()
            try:
                done = subprocess.run([graywolf, "-n", "design"], cwd=work,
                                      capture_output=True, text=True, timeout=timeout,
                                      check=False)
            except subprocess.TimeoutExpired as error:
                raise ToolError(f"GrayWolf took longer than {timeout} s") from error
            seconds = time.monotonic() - start
            result = work / "design.pl1"
            if done.returncode != 0 or not result.is_file():
                log = done.stdout + done.stderr
                for extra in ("design.out",):
                    if (work / extra).is_file():
                        log += (work / extra).read_text()
                raise ToolError("GrayWolf failed to place the netlist", log[-4000:])
            pl1 = result.read_text()
        if slot is not None:
            slot.mkdir(parents=True, exist_ok=True)
            (slot / "design.pl1").write_text(pl1)
            (slot / "run.json").write_text(json.dumps({"seconds": seconds}))
    cells, pins, die, rows = read_pl1(pl1, module, macros, names)
    return Placement(cells, pins, die, area, filler, seconds, rows)
