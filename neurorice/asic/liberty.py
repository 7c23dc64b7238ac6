"""A Liberty (``.lib``) reader for what the ASIC flow prices: each cell's area and
leakage, and each pin's direction, capacitance, limits and internal-energy tables.

Liberty is a nest of groups (``name (args) { ... }``), simple attributes (``name : value;``)
and complex attributes (``name (args);``). :func:`parse` reads the whole file into that
nest; :class:`Library` keeps the cells. The units are the library's own: in SKY130's
``sky130_fd_sc_hd`` time in ns, capacitance in pF, leakage in nW, and internal power tables
in pJ a transition (its README and header say so); :class:`Library` converts to SI.
"""

import bisect
import hashlib
import pathlib
import pickle
import re

__all__ = ["Cell", "Library", "parse", "read"]

_TOKEN = re.compile(r'/\*.*?\*/|"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.+\-!&|\'\[\]*^/]+|[(){}:;,]|\\\n',
                    re.S)


class Group:
    """A Liberty group: ``kind (args) { attributes and subgroups }``."""

    __slots__ = ("kind", "args", "attrs", "groups")

    def __init__(self, kind, args):
        self.kind, self.args, self.attrs, self.groups = kind, args, {}, []

    def sub(self, kind):
        return [g for g in self.groups if g.kind == kind]


def _unquote(token):
    return token[1:-1] if token.startswith('"') else token


def parse(text):
    """The top group (``library``) of the Liberty ``text``."""
    tokens = [t for t in _TOKEN.findall(text) if not t.startswith("/*") and t != "\\\n"]
    stack, top, i, n = [], None, 0, len(tokens)
    while i < n:
        token = tokens[i]
        if token == "}":
            group = stack.pop()
            if not stack:
                top = group
            i += 1
            if i < n and tokens[i] == ";":
                i += 1
            continue
        name, follow = token, tokens[i + 1]
        if follow == ":":  # simple attribute, up to the ';' (or the line's end, without one)
            j = i + 2
            value = []
            while tokens[j] not in (";", "}"):
                value.append(tokens[j])
                j += 1
            stack[-1].attrs[name] = _unquote(" ".join(value))
            i = j + 1 if tokens[j] == ";" else j
        elif follow == "(":
            j = i + 2
            args = []
            while tokens[j] != ")":
                if tokens[j] != ",":
                    args.append(_unquote(tokens[j]))
                j += 1
            j += 1
            if j < n and tokens[j] == "{":
                group = Group(name, args)
                if stack:
                    stack[-1].groups.append(group)
                stack.append(group)
                i = j + 1
            else:  # complex attribute
                if stack and name == "fanout_length":  # repeats: one a fanout
                    stack[-1].attrs.setdefault("_fanout", []).append(args)
                elif stack:
                    stack[-1].attrs.setdefault(name, args)
                i = j + 1 if j < n and tokens[j] == ";" else j
        else:
            raise ValueError(f"Liberty: unexpected token {token!r} near token {i}")
    if top is None:
        raise ValueError("Liberty: no library group")
    return top


def _numbers(args):
    return [float(x) for arg in args for x in arg.replace(",", " ").split()]


class Table:
    """A one- or two-dimensional lookup table: ``index_1`` (input transition, ns),
    ``index_2`` (output load, pF), values in the library's energy unit."""

    __slots__ = ("index_1", "index_2", "values")

    def __init__(self, group, templates):
        template = templates.get(group.args[0] if group.args else "", {})
        self.index_1 = _numbers(group.attrs.get("index_1", template.get("index_1", ["0"])))
        self.index_2 = _numbers(group.attrs.get("index_2", template.get("index_2", [])))
        flat = _numbers(group.attrs.get("values", ["0"]))
        if self.index_2:
            width = len(self.index_2)
            self.values = [flat[r * width:(r + 1) * width] for r in range(len(flat) // width)]
        else:
            self.values = [flat]

    def lookup(self, transition, load=0.0):
        """Bilinear interpolation, extrapolating linearly beyond the table (as STA does)."""
        def locate(index, x):
            if len(index) < 2:
                return 0, 0, 0.0
            k = min(max(bisect.bisect_right(index, x) - 1, 0), len(index) - 2)
            return k, k + 1, (x - index[k]) / (index[k + 1] - index[k])

        if not self.index_2:  # one dimension: the input transition
            row = self.values[0]
            if len(row) == 1:
                return row[0]
            a, b, t = locate(self.index_1, transition)
            return row[a] + t * (row[b] - row[a])
        a, b, t = locate(self.index_1, transition)
        c, d, u = locate(self.index_2, load)
        low = self.values[a][c] + u * (self.values[a][d] - self.values[a][c])
        high = self.values[b][c] + u * (self.values[b][d] - self.values[b][c])
        return low + t * (high - low)


class Pin:
    """A cell pin: ``direction``, ``capacitance`` (pF), ``clock``, ``max_capacitance`` (pF),
    and ``internal``: a list of ``(related pin or None, rise table, fall table)``."""

    __slots__ = ("name", "direction", "capacitance", "clock", "max_capacitance",
                 "max_transition", "function", "internal")

    def __init__(self, group, templates):
        a = group.attrs
        self.name = group.args[0]
        self.direction = a.get("direction", "")
        self.capacitance = float(a.get("capacitance", 0))
        self.clock = a.get("clock") == "true"
        self.max_capacitance = float(a["max_capacitance"]) if "max_capacitance" in a else None
        self.max_transition = float(a["max_transition"]) if "max_transition" in a else None
        self.function = a.get("function")
        self.internal = []
        for power in group.sub("internal_power"):
            rise = [Table(g, templates) for g in power.sub("rise_power")]
            fall = [Table(g, templates) for g in power.sub("fall_power")]
            self.internal.append((power.attrs.get("related_pin"),
                                  rise[0] if rise else None, fall[0] if fall else None))


class Cell:
    """A library cell: ``name``, ``area`` (µm²), ``leakage`` (nW), ``pins`` by name,
    ``sequential`` (has an ``ff`` or ``latch`` group), ``clock_gate``."""

    __slots__ = ("name", "area", "leakage", "pins", "sequential", "clock_gate", "dont_use")

    def __init__(self, group, templates):
        a = group.attrs
        self.name = group.args[0]
        self.area = float(a.get("area", 0))
        self.leakage = float(a.get("cell_leakage_power", 0))
        self.pins = {}
        for pin in group.sub("pin"):
            p = Pin(pin, templates)
            self.pins[p.name] = p
        for bus in group.sub("bus"):
            for pin in bus.sub("pin"):
                p = Pin(pin, templates)
                self.pins[p.name] = p
        self.sequential = bool(group.sub("ff") or group.sub("latch"))
        self.clock_gate = "clock_gating_integrated_cell" in a
        self.dont_use = a.get("dont_use") == "true"

    def inputs(self):
        return [p for p in self.pins.values() if p.direction == "input"]

    def outputs(self):
        return [p for p in self.pins.values() if p.direction == "output"]


class Library:
    """The cells of a Liberty file, with its supply voltage and default wire load.

    Attributes
    ----------
    path : pathlib.Path
    voltage : float
        Nominal supply, V.
    cells : dict of str to Cell
    wire_load : dict
        The default wire-load model: ``{"name", "capacitance" (pF a unit length),
        "slope", "fanout_length": {fanout: length}}``.
    """

    def __init__(self, path, top):
        self.path = pathlib.Path(path)
        self.name = top.args[0] if top.args else self.path.stem
        a = top.attrs
        self.voltage = float(a.get("nom_voltage", 0)) or next(
            (float(g.attrs["voltage"]) for g in top.sub("operating_conditions")), 0.0)
        templates = {}
        for kind in ("power_lut_template", "lu_table_template"):
            for g in top.sub(kind):
                templates[g.args[0]] = g.attrs
        self.cells = {}
        for group in top.sub("cell"):
            cell = Cell(group, templates)
            self.cells[cell.name] = cell
        default = a.get("default_wire_load")
        self.wire_load = None
        for g in top.sub("wire_load"):
            if g.args[0] == default or self.wire_load is None:
                self.wire_load = {"name": g.args[0],
                                  "capacitance": float(g.attrs.get("capacitance", 0)),
                                  "slope": float(g.attrs.get("slope", 0)),
                                  "fanout_length": _fanout_lengths(g)}
        units = {"time_unit": a.get("time_unit"), "leakage_power_unit": a.get("leakage_power_unit"),
                 "capacitive_load_unit": a.get("capacitive_load_unit")}
        self.units = units

    def wire_capacitance(self, fanout):
        """The wire load model's capacitance (pF) of a net with ``fanout`` loads: its
        ``fanout_length`` (extrapolated by ``slope`` past the table) times ``capacitance``."""
        if self.wire_load is None or fanout <= 0:
            return 0.0
        lengths = self.wire_load["fanout_length"]
        largest = max(lengths)
        length = (lengths[fanout] if fanout in lengths
                  else lengths[largest] + (fanout - largest) * self.wire_load["slope"])
        return length * self.wire_load["capacitance"]


def _fanout_lengths(group):
    """``fanout_length(n, length)`` repeats, one a fanout: :func:`parse` keeps them all
    under ``_fanout``."""
    return {int(n): float(length) for n, length in group.attrs.get("_fanout", [])}


def read(path, cache_dir=None):
    """The :class:`Library` of the Liberty file at ``path``, parsed once and cached (by
    the file's hash) under ``cache_dir``."""
    path = pathlib.Path(path)
    data = path.read_bytes()
    slot = None
    if cache_dir is not None:
        digest = hashlib.sha256(data).hexdigest()[:24]
        slot = pathlib.Path(cache_dir) / f"liberty-{digest}.pickle"
        if slot.is_file():
            with open(slot, "rb") as f:
                library = pickle.load(f)
            library.path = path
            return library
    library = Library(path, parse(data.decode("latin-1")))
    if slot is not None:
        slot.parent.mkdir(parents=True, exist_ok=True)
        with open(slot, "wb") as f:
            pickle.dump(library, f)
    return library
