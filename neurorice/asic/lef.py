"""A LEF reader for what placement needs: each standard cell's size and the place of its
signal pins.

A cell's pin is a set of rectangles on its layers; a wire reaches the pin somewhere on
them, so the pin's place here is the centre of its largest rectangle (on ``li1`` or a
metal). Units are the LEF's micrometres, from the cell's lower-left corner (``ORIGIN``
is 0 0 in SKY130's ``sky130_fd_sc_hd``).
"""

import re

__all__ = ["Macro", "read_macros"]

_RECT = re.compile(r"RECT\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*;")
_ROUTING = re.compile(r"^(li1|met\d)$")


class Macro:
    """A cell: ``width``, ``height`` (µm) and ``pins``: ``{name: (x, y)}`` (µm from the
    lower-left corner) for its signal pins (power, ground and wells left out)."""

    __slots__ = ("name", "width", "height", "pins")

    def __init__(self, name, width, height, pins):
        self.name, self.width, self.height, self.pins = name, width, height, pins


def read_macros(text):
    """The ``MACRO`` s of LEF ``text``: ``{name: Macro}``."""
    macros = {}
    name = pin = layer = None
    size, pins, best, use = None, {}, {}, None
    for raw in text.splitlines():
        line = raw.strip()
        words = line.split()
        if not words:
            continue
        if words[0] == "MACRO":
            name, size, pins, best = words[1], None, {}, {}
        elif name is None:
            continue
        elif words[0] == "SIZE" and pin is None:
            size = (float(words[1]), float(words[3]))
        elif words[0] == "PIN":
            pin, use, layer = words[1], "SIGNAL", None
        elif pin is not None and words[0] == "USE":
            use = words[1].rstrip(";")
        elif pin is not None and words[0] == "LAYER":
            layer = words[1].rstrip(";")
        elif pin is not None and words[0] == "RECT" and layer and _ROUTING.match(layer):
            x0, y0, x1, y1 = (float(v) for v in _RECT.match(line).groups())
            area = (x1 - x0) * (y1 - y0)
            if area > best.get(pin, (-1.0,))[0]:
                best[pin] = (area, (x0 + x1) / 2, (y0 + y1) / 2)
        elif words[0] == "END" and len(words) > 1:
            if pin is not None and words[1] == pin:
                if use in ("SIGNAL", "CLOCK") and pin in best:
                    pins[pin] = best[pin][1:]
                pin = None
            elif words[1] == name:
                if size is None:
                    raise ValueError(f"LEF: macro {name} has no SIZE")
                macros[name] = Macro(name, size[0], size[1], pins)
                name = None
    return macros
