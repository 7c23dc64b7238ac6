# amaranth: UnusedElaboratable=no
"""The compact encoder's in-place packer against :class:`golden.bits.BitWriter`."""

import random

import pytest
from amaranth.hdl import Module, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from gateware.compact_packer import CompactPacker
from gateware.packer import word_layout
from golden.bits import BitWriter

from .harness import PATTERNS, run


class Bench(wiring.Component):
    """Codewords in (``value``, ``length``, ``last``), words out, through a
    :class:`CompactPacker` as :class:`~gateware.compact.CompactEncoder` wires it."""

    def __init__(self, word_width, longest):
        self.word_width, self.longest = word_width, longest
        super().__init__({
            "i": In(stream.Signature(data.StructLayout({
                "value": longest, "length": range(longest + 1), "last": 1}))),
            "o": Out(stream.Signature(word_layout(word_width))),
        })

    def elaborate(self, platform):
        m = Module()
        packer = CompactPacker(m, self.o, self.word_width, self.longest)
        take = Signal()
        m.d.comb += [self.i.ready.eq(~packer.coded | packer.pack),
                     take.eq(self.i.valid & self.i.ready)]
        packer.load(m, take, self.i.p.value, self.i.p.length, self.i.p.last)
        packer.pack_word(m)
        return m


def golden_words(streams, word_width):
    out = []
    for codewords in streams:
        writer = BitWriter(word_width)
        for value, length in codewords:
            writer.write(value, length)
        words = writer.flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_words(streams, word_width, longest, pattern="steady"):
    idle, backpressure = PATTERNS[pattern]
    inputs = [{"value": value, "length": length, "last": int(j == len(codewords) - 1)}
              for codewords in streams for j, (value, length) in enumerate(codewords)]
    result = run(Bench(word_width, longest), inputs, idle=idle, backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs]


def random_codewords(count, longest, seed, shortest=1):
    rng = random.Random(seed)
    lengths = [rng.randint(shortest, longest) for _ in range(count)]
    return [(rng.getrandbits(length), length) for length in lengths]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_random(pattern):
    streams = [random_codewords(n, 26, seed=n) for n in (200, 1, 7, 33)]
    assert rtl_words(streams, 32, 26, pattern) == golden_words(streams, 32)


@pytest.mark.parametrize("word_width, longest", [(24, 17), (32, 32), (40, 28), (64, 32)])
def test_widths(word_width, longest):
    streams = [random_codewords(120, longest, seed=word_width),
               [((1 << longest) - 1, longest)] * 9]  # the longest, each completing a word
    assert rtl_words(streams, word_width, longest, "both") == golden_words(streams, word_width)


def test_stream_ends():
    # a stream ending on a word boundary, one spilling into a second word (which waits a
    # clock), and one-codeword streams
    streams = [[(1, 16), (0xABCD, 16)], [(0x3FFFFFF, 26), (0x3FFFFFF, 26), (5, 3)],
               [(1, 1)], [(0x155, 9)], [(0x3FFFFFF, 26)] * 5]
    for pattern in ("steady", "backpressure", "both"):
        assert rtl_words(streams, 32, 26, pattern) == golden_words(streams, 32)
