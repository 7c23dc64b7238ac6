# amaranth: UnusedElaboratable=no
"""The bit packer against :class:`golden.bits.BitWriter`, word for word."""

import random

import pytest

from gateware.packer import BitPacker
from golden.bits import BitWriter
from golden.rice import max_codeword_bits

from .harness import PATTERNS, never, run, sometimes


def golden_words(streams, word_width):
    """The flushed words of each stream, with ``last`` on the final one."""
    out = []
    for codewords in streams:
        writer = BitWriter(word_width)
        for bits, length in codewords:
            writer.write(bits, length)
        words = writer.flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_words(streams, width, word_width, idle=never, backpressure=never, dut=None, **kwargs):
    inputs = [
        {"bits": bits, "length": length, "last": int(j == len(codewords) - 1)}
        for codewords in streams for j, (bits, length) in enumerate(codewords)
    ]
    dut = dut or BitPacker(width, word_width)
    result = run(dut, inputs, idle=idle, backpressure=backpressure, **kwargs)
    return [(item["word"], item["last"]) for item in result.outputs], result, dut


def codewords(width, count, seed=0, lengths=None):
    """Random codewords: random ``bits``, also above ``length``, which the packer drops."""
    rng = random.Random(seed)
    longest = max_codeword_bits(width)
    lengths = lengths or (lambda: rng.randint(1, longest))
    return [(rng.randrange(1 << width), lengths()) for _ in range(count)]


def longest(width, count):
    return [((1 << width) - 1, max_codeword_bits(width))] * count


CASES = {
    "ones": lambda: [(1, 1)] * 100,
    "longest": lambda: longest(10, 100),
    "random": lambda: codewords(10, 300),
    "one-word": lambda: [(1, 1)] * 32,  # ends exactly on the word boundary
    "one-bit": lambda: [(1, 1)],
    "spill": lambda: [(0, 20), (5, 26)],  # the last codeword spills into a second word
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_cases(name, pattern):
    idle, backpressure = PATTERNS[pattern]
    streams = [CASES[name]()]
    assert rtl_words(streams, 10, 32, idle, backpressure)[0] == golden_words(streams, 32)


@pytest.mark.parametrize("word_width", [26, 32, 40, 64])
@pytest.mark.parametrize("pattern", ["steady", "both"])
def test_word_widths(word_width, pattern):
    idle, backpressure = PATTERNS[pattern]
    streams = [codewords(10, 200, word_width)]
    if word_width % 8:
        with pytest.raises(ValueError, match="word width must be 8, 16"):
            BitPacker(10, word_width)
        return
    assert rtl_words(streams, 10, word_width, idle, backpressure)[0] == \
        golden_words(streams, word_width)


def test_many_streams():
    # Short streams back to back, some ending on a word boundary, some spilling.
    rng = random.Random(5)
    streams = [codewords(16, rng.randint(1, 6), seed) for seed in range(40)]
    streams += [[(0, 32)], [(1, 32), (1, 32)], [(3, 31), (1, 1)]]
    for pattern in ("steady", "both", "bursty"):
        idle, backpressure = PATTERNS[pattern]
        assert rtl_words(streams, 16, 32, idle, backpressure)[0] == golden_words(streams, 32)


@pytest.mark.parametrize("width", [1, 10, 16])
def test_never_stalls_without_backpressure(width):
    streams = [longest(width, 150), codewords(width, 150, 1), [(1, 1)] * 3]
    words, result, _ = rtl_words(streams, width, 32)
    assert words == golden_words(streams, 32)
    assert result.stalls == 0
    assert result.input_cycles == list(range(len(result.input_cycles)))


@pytest.mark.parametrize("width", [10, 16])
def test_buffer_bound(width):
    # Longest codewords against heavy backpressure: the fill reaches the bound, never passes
    # it, and the input is refused only while the output is blocked and a longest codeword
    # would not fit.
    dut = BitPacker(width, 32)
    streams = [longest(width, 150) + codewords(width, 150, 2), [(0, 1)] * 5]
    watch = (dut.fill, dut.i.valid, dut.i.ready, dut.o.valid, dut.o.ready)
    words, result, _ = rtl_words(streams, width, 32, dut=dut, watch=watch,
                                 backpressure=sometimes(0.7, 9))
    assert words == golden_words(streams, 32)
    fills = [fill for fill, *_ in result.trace]
    assert max(fills) == dut.capacity
    for fill, i_valid, i_ready, o_valid, o_ready in result.trace:
        blocked = o_valid and not o_ready
        assert i_ready == (not blocked or fill <= dut.capacity - max_codeword_bits(width))


def test_validation():
    with pytest.raises(ValueError, match=r"at least 26 bits, the longest codeword"):
        BitPacker(10, 24)
    with pytest.raises(ValueError, match=r"sample width must be 1..16 bits, not 17"):
        BitPacker(17, 64)
    with pytest.raises(TypeError, match=r"word width must be an integer, not '32'"):
        BitPacker(10, "32")
