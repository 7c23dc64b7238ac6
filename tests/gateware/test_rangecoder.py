# amaranth: UnusedElaboratable=no
"""The range coder, spelled and packed, against :class:`golden.rangecoder.RangeEncoder`:
carries, and runs of pending ``0xFF`` bytes longer than a beat and a word."""

import random

import pytest
from amaranth.hdl import Module
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from gateware.arith import interval_layout
from gateware.bytepacker import BytePacker, ItemBytes
from gateware.packer import word_layout
from gateware.rangecoder import RangeCoder
from golden import rangecoder as model
from golden.bits import BitWriter

from .harness import PATTERNS, run

WIDTH = 16
TOTAL = 1 << model.PROB_BITS


class Chain(wiring.Component):
    """RangeCoder ─▶ ItemBytes ─▶ BytePacker."""

    def __init__(self, word_width):
        self._word_width = word_width
        self.coder = RangeCoder(WIDTH)
        self.spell = ItemBytes()
        self.packer = BytePacker(word_width)
        super().__init__({"i": In(stream.Signature(interval_layout(WIDTH))),
                          "o": Out(stream.Signature(word_layout(word_width)))})

    def elaborate(self, platform):
        m = Module()
        m.submodules.coder, m.submodules.spell = self.coder, self.spell
        m.submodules.packer = self.packer
        wiring.connect(m, wiring.flipped(self.i), self.coder.i)
        wiring.connect(m, self.coder.o, self.spell.i)
        wiring.connect(m, self.spell.o, self.packer.i)
        wiring.connect(m, self.packer.o, wiring.flipped(self.o))
        return m


class Counting(model.RangeEncoder):
    """The golden encoder, counting carries and the longest run of pending bytes."""

    def __init__(self, writer):
        super().__init__(writer)
        self.carries = self.longest = 0

    def _put(self, byte):
        self.longest = max(self.longest, self.pending + (byte == 0xFF))
        self.carries += byte >> 8
        super()._put(byte)


def intervals(count, seed):
    """Random symbols and bypass bits, with stretches of the top symbol of the least
    frequency, which drive the coded value towards ones: long runs of 0xFF, then carries."""
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        if rng.random() < 0.1:
            out += [(TOTAL - 1, TOTAL, 0, 0)] * rng.randrange(4, 40)
        start = rng.randrange(TOTAL)
        end = rng.randrange(start + 1, TOTAL + 1)
        bits = rng.choice([0, 0, 1, 2, 8, WIDTH])
        out.append((start, end, rng.randrange(1 << bits), bits))
    return out[:count]


def golden_words(streams, word_width):
    out, carries, longest = [], 0, 0
    for items in streams:
        encoder = Counting(BitWriter(word_width))
        for start, end, rest, bits in items:
            encoder.encode(start, end)
            encoder.bypass(rest, bits)
        words = encoder.finish().flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
        carries, longest = carries + encoder.carries, max(longest, encoder.longest)
    return out, carries, longest


@pytest.mark.parametrize("pattern, word_width", [*((p, 32) for p in PATTERNS),
                                                 ("both", 40), ("both", 64)])
def test_carries_and_runs(pattern, word_width):
    streams = [intervals(n, seed=n) for n in (1, 2, 700, 3, 500)]
    expected, carries, longest = golden_words(streams, word_width)
    assert carries >= 5 and longest >= 9, "the intervals must carry through long runs"
    inputs = [{"start": s, "end": e, "rest": r, "bits": b, "last": int(j == len(x) - 1)}
              for x in streams for j, (s, e, r, b) in enumerate(x)]
    idle, backpressure = PATTERNS[pattern]
    result = run(Chain(word_width), inputs, idle=idle, backpressure=backpressure)
    assert [(o["word"], o["last"]) for o in result.outputs] == expected
