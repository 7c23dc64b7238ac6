# amaranth: UnusedElaboratable=no
"""The one-channel ASIC encoder against :func:`golden.core.encode_stream`, word for word."""

import pytest

from gateware.compact import CompactEncoder
from golden.bits import BitWriter
from golden.core import encode_stream

from . import cases
from .harness import PATTERNS, run


def golden_words(streams, width, word_width=32, channels=1):
    out = []
    for samples in streams:
        words = encode_stream(samples, width, channels, BitWriter(word_width)).flush()
        out += [(w, int(j == len(words) - 1)) for j, w in enumerate(words)]
    return out


def rtl_encode(streams, width, word_width=32, pattern="steady", channels=1):
    idle, backpressure = PATTERNS[pattern]
    inputs = [{"sample": x, "last": int(j == len(samples) - 1)}
              for samples in streams for j, x in enumerate(samples)]
    result = run(CompactEncoder(width, channels, word_width), inputs, idle=idle,
                 backpressure=backpressure)
    return [(item["word"], item["last"]) for item in result.outputs], result


@pytest.mark.parametrize("name", cases.NAMES)
def test_cases(name):
    samples = cases.make(name, 10, 600)
    assert rtl_encode([samples], 10)[0] == golden_words([samples], 10)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_idle_and_backpressure(pattern):
    samples = cases.make("escapes", 10, 300) + cases.make("walk", 10, 300)
    assert rtl_encode([samples], 10, pattern=pattern)[0] == golden_words([samples], 10)


@pytest.mark.parametrize("width, word_width", [(1, 24), (4, 24), (8, 24), (12, 40), (16, 32),
                                               (16, 64)])
def test_widths(width, word_width):
    samples = cases.make("random", width, 300) + cases.make("alternating", width, 100)
    assert rtl_encode([samples], width, word_width, "both")[0] == \
        golden_words([samples], width, word_width)


def test_streams():
    # one-sample streams, streams ending on a word boundary and spilling into a second word
    streams = [cases.make("random", 10, n, seed=n) for n in (1, 5, 2, 13, 7, 1)] + [[0] * 32]
    streams += [cases.make("escapes", 10, n, seed=n) for n in (1, 2, 3)]
    for pattern in ("steady", "both"):
        assert rtl_encode(streams, 10, pattern=pattern)[0] == golden_words(streams, 10)


def test_recordings():
    segments = cases.recordings(count=2, length=2000)
    for (_, codes), pattern in zip(segments, ["steady", "both"]):
        assert rtl_encode([codes], 10, pattern=pattern)[0] == golden_words([codes], 10)


def test_a_sample_a_clock():
    samples = cases.make("walk", 10, 500)
    words, result = rtl_encode([samples], 10)
    cycles = result.input_cycles
    assert cycles[-1] - cycles[0] == len(samples) - 1
    # a word leaves the clock after the sample that completes it
    assert result.output_cycles[0] - cycles[0] <= 32


@pytest.mark.parametrize("channels", [2, 5])
def test_channels(channels):
    samples = cases.make("walk", 10, 300 * channels, seed=channels)
    # past the Rice adapter's halving (RESET samples a channel), and streams shorter
    # than a round
    streams = [samples, [5, 900], cases.make("escapes", 10, channels + 1)]
    for pattern in ("steady", "both"):
        assert rtl_encode(streams, 10, channels=channels, pattern=pattern)[0] == \
            golden_words(streams, 10, channels=channels)


def test_recordings_interleaved():
    segments = cases.recordings(count=4, length=600)
    interleaved = [x for group in zip(*(codes for _, codes in segments)) for x in group]
    assert rtl_encode([interleaved], 10, channels=4, pattern="bursty")[0] == \
        golden_words([interleaved], 10, channels=4)


def test_1024_channels():
    samples = cases.make("walk", 10, 3 * 1024, seed=3)
    words, result = rtl_encode([samples], 10, channels=1024)
    assert words == golden_words([samples], 10, channels=1024)
    assert result.input_cycles[-1] - result.input_cycles[0] == len(samples) - 1
