# amaranth: UnusedElaboratable=no
"""The ASIC encoder with the ADC-aware back end against :func:`golden.core.encode_stream`
(``coder="adc"``), word for word."""

import pytest

from gateware.compact_interval import CompactIntervalEncoder
from gateware.compact_range import CompactRangeCoder
from golden import adc, rangecoder
from golden.bits import BitWriter
from golden.core import encode_stream

from . import cases
from .harness import PATTERNS, run

#: A table of every kind of edge: a period whose sum is no power of two, a code of zero
#: width in it (every 4th code escapes), and exceptions of zero, wide and narrow width.
ODD = adc.AdcTable([10, 0, 20, 34], {5: 0, 100: 40, 1023: 3})


def golden_words(streams, width, word_width=32, channels=1, table=None):
    out = []
    for samples in streams:
        words = encode_stream(samples, width, channels, BitWriter(word_width), coder="adc",
                              table=table).flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_encode(streams, width, word_width=32, pattern="steady", channels=1, table=None):
    idle, backpressure = PATTERNS[pattern]
    inputs = [{"sample": x, "last": int(j == len(samples) - 1)}
              for samples in streams for j, x in enumerate(samples)]
    result = run(CompactIntervalEncoder(width, channels, word_width, table), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs], result


@pytest.fixture
def coded(monkeypatch):
    """Counts of what the golden range coder did: escapes, carries, resolved pending runs."""
    counts = {"escapes": 0, "carries": 0, "runs": 0}
    put, bypass = rangecoder.RangeEncoder._put, rangecoder.RangeEncoder.bypass

    def counting_put(self, byte):
        counts["carries"] += byte >> 8
        counts["runs"] += byte != 0xFF and self.pending > 1
        put(self, byte)

    def counting_bypass(self, value, bits):
        counts["escapes"] += 1
        bypass(self, value, bits)

    monkeypatch.setattr(rangecoder.RangeEncoder, "_put", counting_put)
    monkeypatch.setattr(rangecoder.RangeEncoder, "bypass", counting_bypass)
    return counts


@pytest.mark.parametrize("name", cases.NAMES)
def test_cases(name):
    samples = cases.make(name, 10, 150)
    assert rtl_encode([samples], 10)[0] == golden_words([samples], 10)


def test_escapes_carries_and_runs(coded):
    # mid-scale is code 511, of zero width in the default table: every sample escapes
    samples = cases.make("escapes", 10, 150) + cases.make("random", 10, 150)
    expected = golden_words([samples], 10)
    assert min(coded.values()) > 0, coded
    assert rtl_encode([samples], 10)[0] == expected


@pytest.mark.parametrize("pattern", PATTERNS)
def test_idle_and_backpressure(pattern):
    samples = cases.make("escapes", 10, 100) + cases.make("walk", 10, 100)
    assert rtl_encode([samples], 10, pattern=pattern)[0] == golden_words([samples], 10)


@pytest.mark.parametrize("name", ["random", "walk"])
def test_table(name, coded):
    samples = cases.make(name, 10, 250)
    expected = golden_words([samples], 10, table=ODD)
    assert coded["escapes"] > 0
    assert rtl_encode([samples], 10, pattern="both", table=ODD)[0] == expected


@pytest.mark.parametrize("width, word_width", [(1, 32), (8, 32), (12, 40), (16, 64)])
def test_widths(width, word_width):
    samples = cases.make("random", width, 100) + cases.make("walk", width, 100)
    assert rtl_encode([samples], width, word_width, "both")[0] == \
        golden_words([samples], width, word_width)


def test_streams():
    # one-sample streams, short ones, and a stream's end right after escapes
    streams = [cases.make("random", 10, n, seed=n) for n in (1, 5, 2, 13, 7, 1)] + [[0] * 32]
    streams += [cases.make("escapes", 10, n, seed=n) for n in (1, 2, 3, 9)]
    for pattern in ("steady", "both"):
        assert rtl_encode(streams, 10, pattern=pattern)[0] == golden_words(streams, 10)


def test_recordings():
    segments = cases.recordings(count=2, length=400)
    for (_, codes), pattern in zip(segments, ["steady", "both"]):
        assert rtl_encode([codes], 10, pattern=pattern)[0] == golden_words([codes], 10)


def test_a_sample_a_clock():
    samples = cases.recordings(count=1, length=400)[0][1]
    words, result = rtl_encode([samples], 10)
    assert words == golden_words([samples], 10)
    cycles = result.input_cycles
    assert cycles[-1] - cycles[0] == len(samples) - 1


@pytest.mark.parametrize("channels", [2, 5])
def test_channels(channels):
    samples = cases.make("walk", 10, 60 * channels, seed=channels)
    streams = [samples, [5, 900], cases.make("escapes", 10, channels + 1)]
    for pattern in ("steady", "both"):
        assert rtl_encode(streams, 10, channels=channels, pattern=pattern)[0] == \
            golden_words(streams, 10, channels=channels)


def test_recordings_interleaved():
    segments = cases.recordings(count=4, length=150)
    interleaved = [x for group in zip(*(codes for _, codes in segments)) for x in group]
    assert rtl_encode([interleaved], 10, channels=4, pattern="bursty")[0] == \
        golden_words([interleaved], 10, channels=4)


@pytest.mark.parametrize("word_width", [24, 72])
def test_word_width(word_width):
    with pytest.raises(ValueError, match=f"not {word_width}"):
        CompactRangeCoder(10, word_width)


def test_1024_channels():
    # the implant's channel count: a full round of state rows and the next round's first
    # samples, then a stream's end and a fresh stream; the contexts are shared by all
    # channels, as the golden model's are
    samples = cases.make("walk", 10, 1024 + 40, seed=3)
    streams = [samples, cases.make("escapes", 10, 30)]
    assert rtl_encode(streams, 10, channels=1024)[0] == \
        golden_words(streams, 10, channels=1024)
