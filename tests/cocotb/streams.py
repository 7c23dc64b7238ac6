"""Stream source and sink for cocotb, for ``valid``/``ready`` ports with a packed payload.

An Amaranth stream in Verilog is three ports, ``{name}__valid``, ``{name}__ready`` and
``{name}__payload``; :class:`neurorice.harness.Ports` says where each payload field lies.
Both ends act at the rising edge on the values sampled there, as cocotbext-axi does: a
transfer happens at an edge where ``valid`` and ``ready`` were both high and reset was low.
"""

import itertools
from collections import deque

import cocotb
from cocotb.triggers import RisingEdge


def pack(fields, item):
    """The payload integer of ``item`` (field name -> value), ``fields`` name -> (offset, width)."""
    value = 0
    for name, (offset, width) in fields.items():
        if not 0 <= item[name] < 1 << width:
            raise ValueError(f"{name} = {item[name]!r} does not fit in {width} bits")
        value |= item[name] << offset
    return value


def unpack(fields, value):
    """The fields of a payload integer, as a dict."""
    return {name: (value >> offset) & ((1 << width) - 1)
            for name, (offset, width) in fields.items()}


class StreamSource:
    """Drives a stream: sends queued items, with idle cycles from a pattern.

    ``valid`` never waits for ``ready``, and an offered item stays until it is taken.
    """

    def __init__(self, clk, rst, valid, ready, payload, fields):
        self.clk, self.rst = clk, rst
        self.valid, self.ready, self.payload = valid, ready, payload
        self.fields = fields
        self.queue = deque()
        self.active = None  # the item offered
        self.taken = 0
        self.idle = itertools.repeat(False)
        self.valid.value = 0
        self.payload.value = 0
        self._task = cocotb.start_soon(self._run())

    def set_pause_generator(self, generator=None):
        """Idle the input on the cycles where ``generator`` yields true."""
        self.idle = itertools.repeat(False) if generator is None else generator

    def send(self, items):
        self.queue.extend(items)

    def clear(self):
        """Drop everything not taken (for a reset)."""
        self.queue.clear()
        self.active = None
        self.valid.value = 0

    def empty(self):
        return not self.queue and self.active is None

    async def _run(self):
        while True:
            await RisingEdge(self.clk)
            if self.active is not None and not int(self.rst.value) and int(self.ready.value):
                self.active = None
                self.taken += 1
            if self.active is None:
                if self.queue and not next(self.idle):
                    self.active = self.queue.popleft()
                    self.payload.value = pack(self.fields, self.active)
                    self.valid.value = 1
                else:
                    self.valid.value = 0


class StreamSink:
    """Takes a stream's items into :attr:`queue`, with backpressure from a pattern.

    ``fields`` must include ``last``; :attr:`ends` counts the items in the queue with it.
    """

    def __init__(self, clk, rst, valid, ready, payload, fields):
        self.clk, self.rst = clk, rst
        self.valid, self.ready, self.payload = valid, ready, payload
        self.fields = fields
        self.queue = deque()
        self.ends = 0  # items with ``last`` received
        self.blocked = itertools.repeat(False)
        self.ready.value = 0
        self._task = cocotb.start_soon(self._run())

    def set_pause_generator(self, generator=None):
        """Hold ``ready`` low on the cycles where ``generator`` yields true."""
        self.blocked = itertools.repeat(False) if generator is None else generator

    def clear(self):
        self.queue.clear()
        self.ends = 0

    def pop(self):
        item = self.queue.popleft()
        self.ends -= item["last"]
        return item

    async def _run(self):
        while True:
            await RisingEdge(self.clk)
            if not int(self.rst.value) and int(self.ready.value) and int(self.valid.value):
                item = unpack(self.fields, self.payload.value.to_unsigned())
                self.queue.append(item)
                self.ends += item["last"]
            self.ready.value = 0 if next(self.blocked) else 1
