# amaranth: UnusedElaboratable=no
"""The bit packer against :class:`golden.bits.BitWriter`, word for word."""

import random

import pytest
from amaranth.hdl import ClockDomain, Elaboratable, Module
from amaranth.sim import Simulator

from gateware.packer import LATENCY, BitPacker
from golden.bits import BitWriter
from golden.rice import max_codeword_bits

from .harness import PATTERNS, never, run


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


def stream_ends(width, word_width, count, seed):
    """Short streams whose last codeword spills into a second word when one is long enough,
    each followed at random by a stream of one codeword, or of whole-word codewords (both
    complete words while the spilled one waits), or by a stream ending on a word boundary."""
    rng = random.Random(seed)
    longest = max_codeword_bits(width)

    def ending(beyond):
        # random codewords, then ones that end `beyond` bits past a word boundary, the
        # longest last
        stream = codewords(width, rng.randint(0, 3), rng.randrange(1000))
        need = word_width + beyond - sum(length for _, length in stream) % word_width
        lengths = []
        while need > 0:
            lengths.insert(0, min(need, longest))
            need -= longest
        return stream + [(rng.randrange(1 << width), length) for length in lengths]

    streams = []
    for _ in range(count):
        streams.append(ending(1))
        kind = rng.randrange(4)
        if kind == 0:
            streams.append([(rng.randrange(1 << width), rng.randint(1, longest))])
        elif kind == 1 and longest == word_width:
            streams.append([(rng.randrange(1 << width), longest)] * rng.randint(1, 3))
        elif kind == 2:
            streams.append(ending(0))
    return streams


@pytest.mark.parametrize("width, word_width", [(1, 24), (10, 32), (16, 32), (10, 40), (16, 64)])
@pytest.mark.parametrize("pattern", ["steady", "idle"])
def test_never_stalls_without_backpressure(width, word_width, pattern):
    # One codeword a clock across stream ends, spilled last words included.
    idle = PATTERNS[pattern][0]
    streams = [longest(width, 150), codewords(width, 150, 1), [(1, 1)] * 3]
    streams += stream_ends(width, word_width, 40, 2) + [[(1, 1)]]
    words, result, _ = rtl_words(streams, width, word_width, idle=idle)
    assert words == golden_words(streams, word_width)
    assert result.stalls == 0
    if pattern == "steady":
        assert result.input_cycles == list(range(len(result.input_cycles)))


def completing(streams, word_width):
    """For each word of the streams, the index (over all streams) of the codeword that
    completes it: the one whose bits reach its end, or a stream's last for its padding."""
    out, first = [], 0
    for codewords in streams:
        ends, total = [], 0
        for _, length in codewords:
            total += length
            ends.append(total)
        for q in range(len(golden_words([codewords], word_width))):
            j = next((j for j, end in enumerate(ends) if end >= (q + 1) * word_width),
                     len(codewords) - 1)
            out.append(first + j)
        first += len(codewords)
    return out


@pytest.mark.parametrize("width, word_width", [(8, 24), (10, 32), (16, 32), (12, 56)])
@pytest.mark.parametrize("pattern", ["steady", "idle"])
def test_latency(width, word_width, pattern):
    # Without backpressure, a word is on `o` LATENCY cycles after the codeword that completes
    # it; a stream's spilled last word a cycle after the word before it, and the words that
    # complete while it waits queue behind it, one a clock.
    idle = PATTERNS[pattern][0]
    streams = [codewords(width, 200, 3)] + stream_ends(width, word_width, 60, 4)
    streams += [[(1, 1)] * word_width, [(0, 5)]]  # a stream ending on a word boundary
    words, result, _ = rtl_words(streams, width, word_width, idle=idle)
    assert words == golden_words(streams, word_width)
    expected, free = [], 0
    for j in completing(streams, word_width):
        expected.append(max(result.input_cycles[j] + LATENCY, free))
        free = expected[-1] + 1
    assert result.output_cycles == expected
    latencies = {cycle - result.input_cycles[j] for cycle, j in
                 zip(result.output_cycles, completing(streams, word_width))}
    assert latencies == {LATENCY, LATENCY + 1}


@pytest.mark.parametrize("pattern", ["backpressure", "both", "bursty"])
def test_refused_only_under_backpressure(pattern):
    # The input is refused exactly while the output holds a word that is not being taken.
    idle, backpressure = PATTERNS[pattern]
    dut = BitPacker(16, 32)
    streams = [longest(16, 100) + codewords(16, 100, 2)] + stream_ends(16, 32, 30, 5)
    watch = (dut.i.ready, dut.o.valid, dut.o.ready)
    words, result, _ = rtl_words(streams, 16, 32, idle, backpressure, dut=dut, watch=watch)
    assert words == golden_words(streams, 32)
    assert result.stalls == 0
    for i_ready, o_valid, o_ready in result.trace:
        assert i_ready == (not o_valid or o_ready)


class _Resettable(Elaboratable):
    """A packer in a clock domain whose reset the testbench drives."""

    def __init__(self, dut):
        self.dut = dut
        self.domain = ClockDomain("sync")

    def elaborate(self, platform):
        m = Module()
        m.domains.sync = self.domain
        m.submodules.dut = self.dut
        return m


def drive(dut, items, cycles, reset_at=None, before=(), blocked=()):
    """Offer ``items`` (``(bits, length, last)``) one a clock and take the words, except in
    the cycles ``blocked``. With ``reset_at``, offer ``before`` until then, reset in that
    cycle (offering a codeword of ones, which is lost), and offer ``items`` after it. The
    words taken after the reset."""
    top = _Resettable(dut)
    words = []

    async def testbench(ctx):
        queue, sent = (list(before), 0) if reset_at is not None else (list(items), 0)
        for cycle in range(cycles):
            ctx.set(top.domain.rst, cycle == reset_at)
            ctx.set(dut.o.ready, cycle not in blocked)
            offering = sent < len(queue) and cycle != reset_at
            if offering:
                bits, length, last = queue[sent]
                ctx.set(dut.i.p, {"bits": bits, "length": length, "last": last})
            elif cycle == reset_at:
                ctx.set(dut.i.p, {"bits": -1, "length": 32, "last": 0})
            ctx.set(dut.i.valid, offering or cycle == reset_at)
            if offering and ctx.get(dut.i.ready):
                sent += 1
            if ctx.get(dut.o.valid) and cycle not in blocked:
                words.append((ctx.get(dut.o.p.word), ctx.get(dut.o.p.last)))
            if cycle == reset_at:
                words.clear()
                queue, sent = list(items), 0
            await ctx.tick()
        assert sent == len(queue) == len(items)

    sim = Simulator(top)
    sim.add_clock(1e-6)
    sim.add_testbench(testbench)
    sim.run()
    return words


def as_items(streams):
    return [(bits, length, int(j == len(codewords) - 1))
            for codewords in streams for j, (bits, length) in enumerate(codewords)]


def test_codewords_of_no_bits():
    # Codewords of no bits, last ones too: BitWriter emits no word for a stream that ends
    # on a word boundary, spilled or not, and neither does the packer.
    streams = [[(3, 2), (0, 0), (1, 30)], [(0, 0)], [(7, 3), (0, 0)], [(5, 26), (9, 10)],
               [(0, 0)], [(1, 32)], [(0, 0)], [(0, 0), (1, 1)], [(0, 0)]]
    for word_width in (32, 40):
        words = drive(BitPacker(16, word_width), as_items(streams), 40)
        assert words == golden_words(streams, word_width)


def test_reset():
    # A reset with codewords in every stage, a spilled word pending and the output blocked:
    # only the words of the streams sent after it come out.
    before = as_items([codewords(16, 8, 6), [(5, 26), (9, 10)], [(1, 3)] * 4])
    streams = [codewords(16, 40, 7), [(1, 32)], [(3, 20)]]
    for at in range(3, 16):
        for blocked in (range(0), range(at - 3, at)):
            words = drive(BitPacker(16, 32), as_items(streams), 100, reset_at=at,
                          before=before, blocked=blocked)
            assert words == golden_words(streams, 32)
