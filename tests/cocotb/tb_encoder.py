"""cocotb tests of the generated encoder Verilog: its words must be the golden model's.

Loaded by the simulator, run by ``test_encoder.py``; the configuration comes in
``$NEURORICE_TB`` as ``width,channels,word_width``. ``run_test`` is crossed over payloads
and over idle and backpressure patterns; every test ends in :meth:`TB.finish`, which
checks that everything sent was taken, everything expected came out and nothing else did.
"""

import itertools
import os
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge

from golden.bits import BitWriter
from golden.core import encode_stream
from golden.samples import values_to_codes
from golden.wav import parse_pcm16
from neurorice.harness import ports
from neurorice.verify import arrange

from ..recordings import training_recordings
from .streams import StreamSink, StreamSource

#: the configuration: width, channels, word width, then optionally the near-lossless bound
#: (a number; 0 if absent) and the back end (a name, test_arith.py: "arith")
_TB = os.environ.get("NEURORICE_TB", "10,1,32").split(",")
WIDTH, CHANNELS, WORD_WIDTH = map(int, _TB[:3])
NEAR = next((int(field) for field in _TB[3:] if field.isdecimal()), 0)
CODER = dict(("coder", field) for field in _TB[3:] if not field.isdecimal())  # {} or one
TOP = (1 << WIDTH) - 1
#: samples a stream of the crossed tests: at least two rounds of every channel
LENGTH = max(300, 2 * CHANNELS + CHANNELS // 2 + 7)
#: cycles without the expected output before a test gives up; more for the arithmetic back
#: end, which may code a whole stream of silence in a few bytes, settled at its end
PATIENCE = 2000 if not CODER else 50000


def golden(streams):
    """The golden words of consecutive streams, as ``{"word", "last"}`` items."""
    out = []
    for samples in streams:
        words = encode_stream(samples, WIDTH, CHANNELS, BitWriter(WORD_WIDTH), near=NEAR,
                              **CODER).flush()
        out += [{"word": w, "last": int(j == len(words) - 1)} for j, w in enumerate(words)]
    return out


def items(streams):
    """The input items of consecutive streams, ``last`` on each one's final sample."""
    return [{"sample": x, "last": int(j == len(s) - 1)} for s in streams for j, x in enumerate(s)]


def scaled(codes):
    """10-bit codes as ``WIDTH``-bit samples: shifted, so real signal at any width."""
    shift = WIDTH - 10
    return [c << shift if shift >= 0 else c >> -shift for c in codes]


def recording(count, samples, skip=0):
    """``count`` training recordings' codes, each cut to ``samples`` after ``skip``."""
    out = []
    for name, data in training_recordings(count, None if samples is None else skip + samples):
        codes = values_to_codes(parse_pcm16(data).samples)
        assert codes is not None, f"{name} is off the 10-bit lattice"
        out.append(scaled(codes[skip:]))
    return out


class TB:
    """The encoder with a clock, a sample source on ``i`` and a word sink on ``o``."""

    def __init__(self, dut):
        self.dut = dut
        layout = ports(WIDTH, CHANNELS, WORD_WIDTH, **CODER)

        def port(stream, member):
            return getattr(dut, layout.names[(stream, member)])

        self.source = StreamSource(dut.clk, dut.rst, port("i", "valid"), port("i", "ready"),
                                   port("i", "payload"),
                                   {"sample": layout.sample, "last": layout.in_last})
        self.sink = StreamSink(dut.clk, dut.rst, port("o", "valid"), port("o", "ready"),
                               port("o", "payload"),
                               {"word": layout.word, "last": layout.out_last})
        self.o_valid = port("o", "valid")
        dut.rst.value = 0
        cocotb.start_soon(Clock(dut.clk, 10, unit="ns", impl="gpi").start(start_high=False))

    async def start(self, pattern):
        """Set the idle and backpressure ``pattern`` (a key of :data:`PATTERNS`), reset."""
        idle, backpressure = PATTERNS[pattern]
        self.source.set_pause_generator(idle() if idle else None)
        self.sink.set_pause_generator(backpressure() if backpressure else None)
        assert await self.reset() == [], "words came out before the first sample"

    async def reset(self, cycles=3):
        """Hold reset for ``cycles``, dropping what the source has not sent; the words
        that came out before, which the caller checks."""
        self.dut.rst.value = 1
        self.source.clear()
        await ClockCycles(self.dut.clk, cycles)
        out = list(self.sink.queue)
        self.sink.clear()
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)
        return out

    async def receive(self, streams):
        """The words of the next ``streams`` streams, waiting for them to come out."""
        waited = 0
        while self.sink.ends < streams:
            before = len(self.sink.queue)
            await ClockCycles(self.dut.clk, 16)  # polled, not every cycle: it is faster
            waited = 0 if len(self.sink.queue) != before else waited + 16
            assert waited < PATIENCE, (
                f"no word for {PATIENCE} cycles: {self.sink.ends} of {streams} streams"
                f" ended, {len(self.sink.queue)} words, {self.source.taken} samples taken")
        out = []
        for _ in range(streams):
            while True:
                out.append(self.sink.pop())
                if out[-1]["last"]:
                    break
        return out

    async def finish(self, tail=32):
        """Check that all was sent, and that nothing more comes out, nor is offered."""
        assert self.source.empty(), f"{len(self.source.queue)} samples were never taken"
        self.sink.set_pause_generator(None)
        await ClockCycles(self.dut.clk, tail)
        assert not self.sink.queue, f"words after the end: {list(self.sink.queue)[:4]}"
        assert not int(self.o_valid.value), "o__valid high after the last word"


def mismatch(got, expected):
    """A readable account of the first difference between two lists of words."""
    if got == expected:
        return ""
    j = next((j for j, (a, b) in enumerate(zip(got, expected)) if a != b),
             min(len(got), len(expected)))
    return (f"{len(got)} words, expected {len(expected)}; first difference at word {j}: "
            f"got {got[j] if j < len(got) else None}, "
            f"expected {expected[j] if j < len(expected) else None}")


async def check_streams(tb, streams):
    """Send ``streams``, receive their words, compare with the golden model."""
    tb.source.send(items(streams))
    got = await tb.receive(len(streams))
    expected = golden(streams)
    assert got == expected, mismatch(got, expected)


# Payloads: each gives a list of streams of WIDTH-bit samples.

def zeros():
    return [[0] * LENGTH]


def full_scale():
    return [[TOP] * LENGTH]


def alternating():  # full-scale alternation: residuals near the limit, long codewords
    return [[TOP * (j & 1) for j in range(LENGTH)]]


def ramp():
    return [[j & TOP for j in range(LENGTH)]]


def escapes():  # quiet, then jumps while the Rice state is small: escape codewords
    rng = random.Random(7)
    return [[TOP // 2 if j % 23 else rng.randrange(TOP + 1) for j in range(LENGTH)]]


def prbs():
    rng = random.Random(1)
    return [[rng.randrange(TOP + 1) for _ in range(LENGTH)]]


def real():
    """A stretch of a training recording, its channels' segments interleaved."""
    return [[int(x) for x in arrange(recording(1, LENGTH, skip=5000)[0], CHANNELS)]]


# Patterns: generators of true on the cycles to idle or hold back.

def random_pattern(probability, seed):
    def generator():
        rng = random.Random(seed)
        while True:
            yield rng.random() < probability
    return generator


def cycle_pause():
    return itertools.cycle([1, 1, 1, 0])


PATTERNS = {
    "steady": (None, None),
    "idle": (random_pattern(0.3, 1), None),
    "blocked": (None, random_pattern(0.4, 2)),
    "both": (random_pattern(0.25, 3), random_pattern(0.5, 4)),
    "bursty": (cycle_pause, cycle_pause),
}


@cocotb.test
@cocotb.parametrize(payload=[zeros, full_scale, alternating, ramp, escapes, prbs, real],
                    pattern=list(PATTERNS))
async def run_test(dut, payload, pattern):
    tb = TB(dut)
    await tb.start(pattern)
    await check_streams(tb, payload())
    await tb.finish()


@cocotb.test
@cocotb.parametrize(pattern=["steady", "both"])
async def run_test_streams(dut, pattern):
    """Back-to-back streams: shorter than a round of channels, one sample, a round and one."""
    tb = TB(dut)
    await tb.start(pattern)
    rng = random.Random(5)
    lengths = sorted({1, 2, 3, max(1, CHANNELS - 1), CHANNELS, CHANNELS + 1, 2 * CHANNELS + 3})
    streams = [[rng.randrange(TOP + 1) for _ in range(n)] for n in lengths]
    streams += [[TOP] * 7, [0] * 4 * WORD_WIDTH, [TOP // 2]]
    await check_streams(tb, streams)
    await tb.finish()


@cocotb.test
@cocotb.parametrize(pattern=["steady", "both", "bursty"], when=["midstream", "at_end"])
async def run_test_reset(dut, pattern, when):
    """Reset in the middle of a stream (or just after its last sample), then a fresh stream.

    Words that came out before the reset must be the start of the golden words of the
    samples taken; after it, a fresh stream must come out as if nothing had gone before.
    """
    tb = TB(dut)
    await tb.start(pattern)
    first = escapes()[0][: LENGTH // 2] + prbs()[0][: LENGTH // 2]
    sent = items([first])
    if when == "midstream":
        sent[-1]["last"] = 0  # the stream never ends
    tb.source.send(sent)
    target = len(first) * 3 // 4 if when == "midstream" else len(first)
    for _ in range(50 * len(first)):
        if tb.source.taken >= target:
            break
        await RisingEdge(dut.clk)
    assert tb.source.taken >= target, f"only {tb.source.taken} samples taken"
    before = await tb.reset()
    taken = first[: tb.source.taken]
    if when == "midstream":  # the complete words so far, none of them last
        writer = encode_stream(taken, WIDTH, CHANNELS, BitWriter(WORD_WIDTH), near=NEAR,
                               **CODER)
        expected = [{"word": w, "last": 0} for w in writer.words]
    else:
        expected = golden([taken])
    assert before == expected[: len(before)], mismatch(before, expected[: len(before)])
    await check_streams(tb, [ramp()[0][: LENGTH // 2] + prbs()[0][: LENGTH // 2]])
    await tb.finish()


@cocotb.test
async def run_test_recordings(dut):
    """Stretches of four training recordings, back to back, with idle and backpressure."""
    tb = TB(dut)
    await tb.start("both")
    streams = [[int(x) for x in arrange(codes, CHANNELS)]
               for codes in recording(4, max(2000, 3 * CHANNELS))]
    await check_streams(tb, streams)
    await tb.finish()


@cocotb.test
async def run_test_whole_recordings(dut):
    """Whole training recordings (``$NEURORICE_TB_WHOLE`` of them, spread over the set),
    back to back, with idle and backpressure."""
    tb = TB(dut)
    await tb.start("both")
    count = int(os.environ.get("NEURORICE_TB_WHOLE", "1"))
    streams = [[int(x) for x in arrange(codes, CHANNELS)] for codes in recording(count, None)]
    await check_streams(tb, streams)
    await tb.finish()
